import type { Sql } from "postgres";
import type { Logger } from "pino";
import { HttpError } from "../http/http-error";
import { isTaskerError } from "../tasker/errors";
import {
  claimIdempotency,
  completeIdempotency,
  expireIdempotencyLease,
  peekIdempotency,
  releaseIdempotency,
  renewIdempotencyLease,
  requestHash,
  type ClaimOutcome,
  type ClaimedRecord,
} from "./idempotency-store";
import type { WriteContext } from "./write-context";

/** How long a duplicate waits for the call in flight before answering 409 (the lease is IDEMPOTENCY_LEASE_S). */
export const IDEMPOTENCY_WAIT_MS = 5_000;

/**
 * The idempotent write protocol (DESIGN §8, §9 rule 12), around one write handler:
 * claim the (agent, key) record — or wait, bounded, for a duplicate in flight — then
 * replay a completed answer, refuse other arguments, or run the handler under the claim.
 * The handler commits its `allowed` audit event (beginWrite) before its first Tasker write;
 * a failure settles the record so that a retry either starts afresh (nothing reached
 * Tasker) or reconciles through the external ref (something may have).
 *
 * While the handler runs, the claim is renewed every third of the lease, so a slow Tasker
 * never lets a retry take over a live call; only a holder that died stops renewing. Every
 * statement of the holder names its attempt number, and beginWrite renews-and-checks the
 * claim right before the Tasker write: a holder whose claim was taken over anyway (its
 * renewals could not reach the database) refuses to write — the fence. The answer is
 * stored before it is sent, so a retry after a gateway crash replays it at once.
 */
export interface IdempotentWriteInput {
  sql: Sql;
  logger: Pick<Logger, "error">;
  agentId: string;
  key: string;
  tool: string;
  /** The parsed arguments (hashed without the key: other arguments → `reused`). */
  args: Record<string, unknown>;
  requestId: string;
  projectId: string | null;
  leaseS: number;
  waitMs: number;
  /** Runs the handler under `write`; resolves to the exact answer text and the card it touched. */
  execute(write: WriteContext): Promise<{ bodyText: string; cardId: string | null }>;
  /** Commits the `allowed` event (durable) before the first Tasker write. */
  auditAllowed(details: Record<string, unknown>): Promise<void>;
  /** Records the `failed` event of a handler failure (never throws). */
  auditFailed(error: unknown, details: Record<string, unknown>): Promise<void>;
}

export type WriteOutcome =
  | { kind: "completed"; bodyText: string }
  | { kind: "replay"; record_id: string; status: number; body: string; card_id: string | null }
  | { kind: "reused" }
  | { kind: "in_progress"; retry_after_s: number };

export async function idempotentWrite(input: IdempotentWriteInput): Promise<WriteOutcome> {
  const hash = requestHash(input.tool, input.args);
  const claim = () =>
    claimIdempotency(input.sql, {
      agent_id: input.agentId,
      key: input.key,
      tool: input.tool,
      request_hash: hash,
      request_id: input.requestId,
      project_id: input.projectId,
      lease_s: input.leaseS,
    });
  const outcome = await claimOrWait(input, claim, hash);
  if (outcome.kind !== "claimed") return outcome;
  return runClaimed(input, outcome.record);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Claims the key; a duplicate of a call in flight waits (bounded) for its answer. */
async function claimOrWait(input: IdempotentWriteInput, claim: () => Promise<ClaimOutcome>, hash: string): Promise<ClaimOutcome> {
  const deadline = Date.now() + input.waitMs;
  let outcome = await claim();
  let pause = 10;
  while (outcome.kind === "in_progress" && Date.now() < deadline) {
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
    pause = Math.min(pause * 2, 100);
    const seen = await peekIdempotency(input.sql, input.agentId, input.key);
    if (seen && seen.status === "in_flight" && seen.remaining_s > 0) continue;
    if (seen && seen.request_hash !== hash) return { kind: "reused" };
    outcome = await claim();
  }
  return outcome;
}

/** True when Tasker may have applied a write although we got no clear answer. */
export function isAmbiguousWriteFailure(error: unknown): boolean {
  if (isTaskerError(error)) return error.code === "tasker_unavailable";
  return !(error instanceof HttpError);
}

/** The holder's claim is gone (taken over or settled): it must not write to Tasker. */
function claimLost(): HttpError {
  return new HttpError("idempotency_in_progress", "this call's claim on its idempotency_key was taken over by a retry; retry the same call to get its answer", undefined, {
    "Retry-After": "1",
  });
}

async function runClaimed(input: IdempotentWriteInput, record: ClaimedRecord): Promise<WriteOutcome> {
  let begun = false;
  const idem = { idempotency_key: input.key, idempotency_record_id: record.id, attempt: record.attempts };
  const renewal = keepClaimAlive(input, record);
  const write: WriteContext = {
    recordId: record.id,
    attempts: record.attempts,
    progress: record.progress,
    async beginWrite(details, progress) {
      // Both committed before Tasker is called, in this order: the fence (renewing the claim
      // and storing the progress notes), then the `allowed` event. A crash between them
      // leaves no Tasker write behind, so they need no transaction (and stay clear of the
      // embedded PGlite's shared session).
      if (renewal.lost() || !(await renewIdempotencyLease(input.sql, record, input.leaseS, progress))) throw claimLost();
      await input.auditAllowed({ ...details, ...idem });
      begun = true;
    },
  };

  let answer: { bodyText: string; cardId: string | null };
  try {
    answer = await input.execute(write);
  } catch (error) {
    renewal.stop();
    // Keep the record (and its external_id) whenever Tasker may hold the change: the
    // retry then reconciles instead of writing twice. Otherwise forget the claim.
    const internal = error instanceof HttpError && error.code === "internal";
    const keep = (begun && (isAmbiguousWriteFailure(error) || internal)) || record.attempts > 1;
    try {
      if (keep) await expireIdempotencyLease(input.sql, record);
      else await releaseIdempotency(input.sql, record);
    } catch (e) {
      input.logger.error({ err: e, request_id: input.requestId }, "could not settle the idempotency record after a failure");
    }
    await input.auditFailed(error, { ...idem, tasker_write_attempted: begun, retryable_record: keep });
    throw error;
  }
  renewal.stop();
  // Stored before the answer leaves: a gateway killed right after answering still leaves
  // the answer for a retry to replay (a database crash may lose it; then the retry
  // reconciles through the external ref once the lease ends). A failure to store is
  // logged and the answer still sent: the change is made and audited.
  await completeIdempotency(input.sql, record, { status: 200, body: answer.bodyText, card_id: answer.cardId }).catch((e) =>
    input.logger.error({ err: e, request_id: input.requestId }, "could not store the idempotent answer; a retry will reconcile"),
  );
  return { kind: "completed", bodyText: answer.bodyText };
}

/** Renews the claim every third of the lease until stopped; `lost()` once a renewal found it gone. */
function keepClaimAlive(input: IdempotentWriteInput, record: ClaimedRecord): { stop(): void; lost(): boolean } {
  let lost = false;
  let renewing = false;
  const timer = setInterval(() => {
    if (renewing || lost) return;
    renewing = true;
    renewIdempotencyLease(input.sql, record, input.leaseS)
      .then((held) => {
        lost ||= !held;
      })
      .catch((e) => input.logger.error({ err: e, request_id: input.requestId }, "could not renew the idempotency lease; the next renewal tries again"))
      .finally(() => {
        renewing = false;
      });
  }, Math.max(100, (input.leaseS * 1000) / 3));
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    lost: () => lost,
  };
}
