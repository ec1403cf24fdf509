import { createHash } from "node:crypto";
import type { Sql, TransactionSql } from "postgres";

/**
 * Idempotency records (DESIGN §8), keyed by (agent, key), shared by every replica through
 * Postgres. A claim is ONE statement: a fresh key inserts an in-flight row; an existing
 * row is taken over only when its lease expired (holder crashed or gave up after an
 * ambiguous Tasker answer) and the arguments are the same. Anything else is read back and
 * classified: completed → replay, live lease → in progress, other arguments → reused.
 */
type Db = Sql | TransactionSql;

export interface IdempotencyClaimInput {
  agent_id: string;
  key: string;
  tool: string;
  request_hash: string;
  request_id: string;
  project_id: string | null;
  lease_s: number;
}

export interface ClaimedRecord {
  id: string;
  /** > 1 when an earlier attempt may have reached Tasker: reconcile before writing. */
  attempts: number;
  progress: Record<string, unknown>;
}

export type ClaimOutcome =
  | { kind: "claimed"; record: ClaimedRecord }
  | { kind: "replay"; record_id: string; status: number; body: string; card_id: string | null }
  | { kind: "in_progress"; retry_after_s: number }
  | { kind: "reused" };

/** Canonical JSON: object keys sorted, so `{a,b}` and `{b,a}` hash alike. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** sha256 over the tool name and its arguments without the idempotency key. */
export function requestHash(tool: string, args: Record<string, unknown>): string {
  const { idempotency_key: _ignored, ...rest } = args;
  return createHash("sha256").update(tool).update("\n").update(canonicalJson(rest)).digest("hex");
}

export async function claimIdempotency(db: Db, input: IdempotencyClaimInput): Promise<ClaimOutcome> {
  // A row can vanish between the two statements (its holder released it): try again.
  for (let attempt = 0; attempt < 5; attempt++) {
    // The claim's commit does not wait for its WAL flush (synchronous_commit off for this
    // one statement): a claim only matters once Tasker is about to be written, and the
    // audit event committed synchronously right before that write flushes the WAL past
    // this commit too. A claim lost in a crash before then protected nothing.
    const claimed = await db<{ id: string; attempts: number; progress: Record<string, unknown> }[]>`
      INSERT INTO idempotency_records
        (agent_id, idempotency_key, tool, request_hash, lease_expires_at, request_id, project_id)
      SELECT ${input.agent_id}::uuid, ${input.key}::text, ${input.tool}::text, ${input.request_hash}::text,
             clock_timestamp() + make_interval(secs => ${input.lease_s}::float8), ${input.request_id}::text, ${input.project_id}::uuid
        FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
      ON CONFLICT (agent_id, idempotency_key) DO UPDATE
        SET lease_expires_at = EXCLUDED.lease_expires_at,
            request_id = EXCLUDED.request_id,
            attempts = idempotency_records.attempts + 1
        WHERE idempotency_records.status = 'in_flight'
          AND idempotency_records.lease_expires_at <= clock_timestamp()
          AND idempotency_records.request_hash = EXCLUDED.request_hash
      RETURNING id, attempts, progress`;
    const row = claimed[0];
    if (row) return { kind: "claimed", record: { id: row.id, attempts: row.attempts, progress: row.progress ?? {} } };

    const [existing] = await db<
      { id: string; status: string; request_hash: string; response_status: number | null; response_body: string; card_id: string | null; remaining_s: number }[]
    >`
      SELECT id, status, request_hash, response_status, response_body, card_id,
             EXTRACT(EPOCH FROM (lease_expires_at - clock_timestamp()))::float8 AS remaining_s
        FROM idempotency_records
       WHERE agent_id = ${input.agent_id} AND idempotency_key = ${input.key}`;
    if (!existing) continue;
    if (existing.request_hash !== input.request_hash) return { kind: "reused" };
    if (existing.status === "completed") {
      return { kind: "replay", record_id: existing.id, status: existing.response_status ?? 200, body: existing.response_body, card_id: existing.card_id };
    }
    if (existing.remaining_s > 0) return { kind: "in_progress", retry_after_s: Math.max(1, Math.ceil(existing.remaining_s)) };
    // Expired just now between the statements: claim again.
  }
  return { kind: "in_progress", retry_after_s: 1 };
}

/** Reads a record's outcome without claiming (waiters poll this while another call works). */
export async function peekIdempotency(
  db: Db,
  agentId: string,
  key: string,
): Promise<{ status: string; request_hash: string; response_status: number | null; response_body: string | null; remaining_s: number } | null> {
  const [row] = await db<{ status: string; request_hash: string; response_status: number | null; response_body: string | null; remaining_s: number }[]>`
    SELECT status, request_hash, response_status, response_body,
           EXTRACT(EPOCH FROM (lease_expires_at - clock_timestamp()))::float8 AS remaining_s
      FROM idempotency_records WHERE agent_id = ${agentId} AND idempotency_key = ${key}`;
  return row ?? null;
}

/**
 * A claim as its holder knows it: the record and the attempt number it was claimed with.
 * Every statement of the holder names both, so a holder whose claim was taken over (its
 * lease ran out and a retry claimed attempt + 1) changes nothing any more: it is fenced.
 */
export interface HeldClaim {
  id: string;
  /** The attempt number this holder claimed (ClaimedRecord.attempts). */
  attempts: number;
}

export async function completeIdempotency(
  db: Db,
  claim: HeldClaim,
  response: { status: number; body: string; card_id: string | null },
): Promise<boolean> {
  // The holder awaits this before answering (a crash of the gateway after the answer still
  // finds the answer stored), but not its WAL flush: only a database crash in that instant
  // can lose it, and then the retry reconciles through the external ref instead of replaying.
  const rows = await db`
    UPDATE idempotency_records
       SET status = 'completed', response_status = ${response.status},
           response_body = ${response.body}, card_id = ${response.card_id},
           completed_at = clock_timestamp()
      FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
     WHERE id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'in_flight'
     RETURNING id`;
  return rows.length === 1;
}

/** Forgets a claim whose call never reached Tasker, so the key can be used again. */
export async function releaseIdempotency(db: Db, claim: HeldClaim): Promise<void> {
  await db`DELETE FROM idempotency_records WHERE id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'in_flight'`;
}

/** Keeps the record (and its external_id) but lets the next retry take it over at once. */
export async function expireIdempotencyLease(db: Db, claim: HeldClaim): Promise<void> {
  await db`UPDATE idempotency_records SET lease_expires_at = clock_timestamp() WHERE id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'in_flight'`;
}

/**
 * Extends a live claim by `leaseS` from now (and stores `progress` when given). False when
 * the claim is no longer this holder's — taken over or settled — and so the holder must
 * not write to Tasker: the fence checked right before each Tasker write, and the renewal
 * that keeps a slow call's claim from expiring under it. No WAL-flush wait: before a
 * Tasker write, the `allowed` event's synchronous commit right after flushes this too.
 */
export async function renewIdempotencyLease(db: Db, claim: HeldClaim, leaseS: number, progress?: Record<string, unknown>): Promise<boolean> {
  const rows = progress
    ? await db`
        UPDATE idempotency_records
           SET lease_expires_at = clock_timestamp() + make_interval(secs => ${leaseS}::float8), progress = ${db.json(progress as never)}
          FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
         WHERE id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'in_flight' AND lease_expires_at > clock_timestamp()
         RETURNING id`
    : await db`
        UPDATE idempotency_records
           SET lease_expires_at = clock_timestamp() + make_interval(secs => ${leaseS}::float8)
          FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
         WHERE id = ${claim.id} AND attempts = ${claim.attempts} AND status = 'in_flight' AND lease_expires_at > clock_timestamp()
         RETURNING id`;
  return rows.length === 1;
}

/**
 * Deletes records older than the retention (≥ 24 h) whose lease is over, in batches. Safe
 * on several replicas at once: SKIP LOCKED lets each take different rows.
 */
export async function purgeIdempotencyRecords(db: Db, retentionHours: number, batch = 1000): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await db`
      DELETE FROM idempotency_records
       WHERE id IN (
         SELECT id FROM idempotency_records
          WHERE created_at < clock_timestamp() - make_interval(hours => ${retentionHours})
            AND (status = 'completed' OR lease_expires_at < clock_timestamp())
          ORDER BY created_at
          LIMIT ${batch}
          FOR UPDATE SKIP LOCKED)
       RETURNING id`;
    total += rows.length;
    if (rows.length < batch) return total;
  }
}
