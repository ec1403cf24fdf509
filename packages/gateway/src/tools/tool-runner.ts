import { IDEMPOTENCY_KEY_PATTERN, IDEMPOTENT_REPLAYED_HEADER, uuidSchema, type Scope } from "@nodedc/shared";
import { HttpError } from "../http/http-error";
import { validationError } from "../http/validate";
import type { AgentContext, AgentGrantContext, AuditEventInput, RateLimitDecision } from "../pipeline/types";
import { rateLimitHeaders } from "../rate-limit/rate-limiter";
import { isTaskerError } from "../tasker/errors";
import {
  claimIdempotency,
  completeIdempotency,
  expireIdempotencyLease,
  peekIdempotency,
  releaseIdempotency,
  requestHash,
  saveIdempotencyProgress,
  type ClaimOutcome,
  type ClaimedRecord,
} from "../idempotency/idempotency-store";
import { httpErrorFromTasker, isAmbiguousWriteFailure } from "./tasker-errors";
import { checkToolRight, type RightCheck } from "../grants/owner-right";
import { isWriteTool, type AnyToolDefinition, type ToolCallContext, type ToolDeps, type WriteContext } from "./tool-definition";

/**
 * The tool pipeline (DESIGN §2, issue 4). The core's requireAgent has already checked the
 * token, the agent's status and the owner's status. Then, in this order:
 *   tool exists (route) → per-token and per-owner rate limits, with the auth epoch in the
 *   same statement (a stale cached authentication restarts the call) → scope → project
 *   granted (no Tasker call when not) → the owner's own right in that Tasker project
 *   covers the tool's scope (grants/owner-right.ts) →
 *   arguments → idempotency (writes) → handler (Tasker adapter) → output schema → audit.
 * Denied and failed calls are audited too. Writes commit their `allowed` event before the
 * first Tasker write (WriteContext.beginWrite), and a `failed` one if the write fails.
 */
export interface ToolCall {
  agent: AgentContext;
  requestId: string;
  tool: AnyToolDefinition;
  /** `arguments` of the request body, not validated yet. */
  rawArguments: Record<string, unknown>;
  /** The `Idempotency-Key` header, if any. */
  headerKey: string | undefined;
  /** `c.get("authEpoch")`: set when `agent` came from the auth cache (must still be current). */
  authEpoch?: string | null;
}

export interface ToolResponse {
  status: number;
  /** The exact JSON text of `{result}` (replays send the stored text byte for byte). */
  bodyText: string;
  headers: Record<string, string>;
}

const RATE_WINDOW_S = 60;

function auditBase(call: ToolCall, projectId: string | null): Omit<AuditEventInput, "outcome"> {
  return {
    actor_type: "agent",
    agent_id: call.agent.agent.id,
    owner_user_id: call.agent.owner.user_id,
    token_id: call.agent.token.id,
    project_id: projectId,
    action: `tool.${call.tool.name}`,
    tool: call.tool.name,
    request_id: call.requestId,
  };
}

/** Whether the token may use the tool at all (GET /tools lists only these). */
export function tokenMayUse(agent: AgentContext, tool: AnyToolDefinition): boolean {
  return tool.scope === "any" || agent.grants.some((g) => g.scopes.includes(tool.scope as Scope));
}

function scopeMissing(tool: AnyToolDefinition, where: string): HttpError {
  return new HttpError(
    "scope_missing",
    `${tool.name} needs scope ${tool.scope} ${where}; ask your owner to add it to your grant (whoami lists your scopes)`,
    { required_scope: tool.scope },
  );
}

/**
 * Thrown before anything happens when the call was authenticated from the auth cache and
 * the database's auth epoch has moved since: the route authenticates again from the
 * database and runs the call anew (auth/auth-cache.ts).
 */
export class StaleAuthError extends Error {
  constructor() {
    super("the cached authentication of this call is stale");
    this.name = "StaleAuthError";
  }
}

export async function runTool(deps: ToolDeps, call: ToolCall): Promise<ToolResponse> {
  const { tool, agent } = call;
  let projectId: string | null = null;
  const deny = async (error: HttpError, details: Record<string, unknown> = {}): Promise<never> => {
    auditInBackground(deps, call, { ...auditBase(call, projectId), outcome: "denied", error_code: error.code, details });
    throw error;
  };

  // rate limits, and the auth epoch in the same statement ---------------------------------
  // First, so that every decision below stands on authentication confirmed as current.
  const { decisions, authEpoch } = await deps.rateLimiter.consumeAll(
    [
      { key: `tools:token:${agent.token.id}`, limit: deps.settings.agentRateLimitPerMin },
      { key: `tools:owner:${agent.owner.user_id}`, limit: deps.settings.ownerRateLimitPerMin },
    ],
    RATE_WINDOW_S,
  );
  if (call.authEpoch != null && call.authEpoch !== authEpoch) throw new StaleAuthError();
  const [perToken, perOwner] = decisions as [RateLimitDecision, RateLimitDecision];
  const refused: RateLimitDecision | undefined = !perToken.allowed ? perToken : !perOwner.allowed ? perOwner : undefined;
  const decision = refused ?? (perOwner.remaining < perToken.remaining ? perOwner : perToken);
  const limitHeaders = rateLimitHeaders(decision);
  if (refused) {
    const error = HttpError.rateLimited(refused.reset_s, { limit: refused.limit, window_s: RATE_WINDOW_S, bucket: refused === perToken ? "token" : "owner" });
    await deny(new HttpError(error.code, error.message, error.details, { ...limitHeaders, ...error.headers }), { bucket: refused === perToken ? "token" : "owner" });
  }
  const withHeaders = (error: HttpError) => new HttpError(error.code, error.message, error.details, { ...limitHeaders, ...error.headers }, error.retryable);

  // scope → project granted → the owner's own right in Tasker covers the scope -------------
  if (!tokenMayUse(agent, tool)) await deny(withHeaders(scopeMissing(tool, "in at least one granted project")));
  let grant: AgentGrantContext | null = null;
  if (tool.projectScoped) {
    const raw = call.rawArguments.project_id;
    const parsed = uuidSchema.safeParse(raw);
    if (parsed.success) {
      const wanted = parsed.data.toLowerCase();
      grant = agent.grants.find((g) => g.project_id.toLowerCase() === wanted) ?? null;
      if (!grant) {
        await deny(
          withHeaders(new HttpError("project_not_granted", "this project is not granted to you; use a project_id from list_projects", { project_id: wanted })),
          { project_id: wanted },
        );
      }
      projectId = grant!.project_id;
      if (tool.scope !== "any" && !grant!.scopes.includes(tool.scope as Scope)) await deny(withHeaders(scopeMissing(tool, "in this project")));
      if (tool.scope !== "any") {
        let check: RightCheck;
        try {
          check = await checkToolRight(deps.tasker, { agent_id: agent.agent.id, request_id: call.requestId }, grant!.project_id, agent.owner.email, tool.scope as Scope);
        } catch (error) {
          if (isTaskerError(error)) await deny(withHeaders(httpErrorFromTasker(error, false)), { stage: "owner_right_check" });
          throw error;
        }
        if (check.refusal) await deny(withHeaders(check.refusal), check.audit);
      }
    }
    // A missing or malformed project_id is reported by argument validation below.
  }

  const denyHere = (error: HttpError, details?: Record<string, unknown>) => deny(withHeaders(error), details);

  // arguments ----------------------------------------------------------------------------
  let rawArgs = call.rawArguments;
  let key: string | null = null;
  if (isWriteTool(tool)) {
    const argKey = rawArgs.idempotency_key;
    if (argKey !== undefined && typeof argKey !== "string") {
      await denyHere(new HttpError("idempotency_key_invalid", "idempotency_key must be a string of 8–128 characters of [A-Za-z0-9._:-]"));
    }
    if (typeof argKey === "string" && call.headerKey !== undefined && argKey !== call.headerKey) {
      await denyHere(new HttpError("idempotency_key_invalid", "the Idempotency-Key header and the idempotency_key argument differ; send one key"));
    }
    key = (argKey as string | undefined) ?? call.headerKey ?? null;
    if (key === null || key === "") {
      await denyHere(new HttpError("idempotency_key_required", "write tools need an idempotency_key (argument or Idempotency-Key header): a fresh one per intended change"));
    }
    if (!IDEMPOTENCY_KEY_PATTERN.test(key!)) {
      await denyHere(new HttpError("idempotency_key_invalid", "idempotency_key must be 8–128 characters of [A-Za-z0-9._:-]"));
    }
    rawArgs = { ...rawArgs, idempotency_key: key };
  }
  const parsed = tool.inputSchema.safeParse(rawArgs);
  if (!parsed.success) {
    const base = validationError(parsed.error, "body");
    const issues = parsed.error.issues.map((i) => ({ path: ["arguments", ...i.path.map(String)].join("."), code: i.code, message: i.message }));
    await denyHere(HttpError.validation(`${issues[0]?.path ?? "arguments"}: ${issues[0]?.message ?? base.message}`, { issues }), {
      issues: issues.slice(0, 10).map((i) => i.path),
    });
  }
  const args = normalizeIds(parsed.data as Record<string, unknown>);

  const ctx: ToolCallContext = {
    agent,
    requestId: call.requestId,
    call: { agent_id: agent.agent.id, request_id: call.requestId },
    grant,
    write: null,
    touched: { card_id: null },
  };

  if (!isWriteTool(tool)) return runRead(deps, call, ctx, args, projectId, limitHeaders);
  return runWrite(deps, call, ctx, args, key!, projectId, limitHeaders, denyHere);
}

/**
 * Events of calls that write nothing to Tasker (reads, denials) are inserted without
 * holding the answer back for the commit's WAL flush: a crash in that instant can lose a
 * read's event, never a write's (writes await theirs before Tasker is called).
 */
function auditInBackground(deps: ToolDeps, call: ToolCall, event: AuditEventInput): void {
  deps.audit(event).catch((e) => deps.logger.error({ err: e, request_id: call.requestId, outcome: event.outcome }, "audit of a tool call failed"));
}

const ID_FIELDS = new Set(["project_id", "card", "card_id", "state_id", "parent_id", "assignee_id", "label_id", "label_ids", "assignee_ids"]);
const UUID_LIKE = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** UUIDs are case-insensitive; Tasker's URLs and our comparisons use the lower-case form. */
function normalizeIds(args: Record<string, unknown>): Record<string, unknown> {
  const lower = (v: unknown) => (typeof v === "string" && UUID_LIKE.test(v) ? v.toLowerCase() : v);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = !ID_FIELDS.has(k) ? v : Array.isArray(v) ? v.map(lower) : lower(v);
  return out;
}

function validateOutput(deps: ToolDeps, call: ToolCall, result: unknown): string {
  const checked = call.tool.outputSchema.safeParse(result);
  if (!checked.success) {
    deps.logger.error(
      { request_id: call.requestId, tool: call.tool.name, issues: checked.error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message })) },
      "tool result does not match its output schema",
    );
    throw HttpError.internal("the gateway built an invalid result for this tool; this is a gateway bug, report the request id", false);
  }
  return JSON.stringify({ result: checked.data });
}

function asHttpError(error: unknown, write: boolean): HttpError | null {
  if (error instanceof HttpError) return error;
  if (isTaskerError(error)) return httpErrorFromTasker(error, write);
  return null;
}

async function runRead(
  deps: ToolDeps,
  call: ToolCall,
  ctx: ToolCallContext,
  args: Record<string, unknown>,
  projectId: string | null,
  headers: Record<string, string>,
): Promise<ToolResponse> {
  let bodyText: string;
  try {
    bodyText = validateOutput(deps, call, await call.tool.handler(deps, ctx, args));
  } catch (error) {
    const known = asHttpError(error, false);
    auditInBackground(deps, call, { ...auditBase(call, projectId), outcome: "failed", error_code: known?.code ?? "internal", details: { card_id: ctx.touched.card_id } });
    if (known) throw new HttpError(known.code, known.message, known.details, { ...headers, ...known.headers }, known.retryable);
    throw error;
  }
  auditInBackground(deps, call, { ...auditBase(call, projectId), outcome: "allowed", details: ctx.touched.card_id ? { card_id: ctx.touched.card_id } : {} });
  return { status: 200, bodyText, headers };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Claims the key; a duplicate of a call in flight waits (bounded) for its answer. */
async function claimOrWait(deps: ToolDeps, agentId: string, key: string, claim: () => Promise<ClaimOutcome>, hash: string): Promise<ClaimOutcome> {
  const deadline = Date.now() + deps.settings.idempotencyWaitMs;
  let outcome = await claim();
  let pause = 10;
  while (outcome.kind === "in_progress" && Date.now() < deadline) {
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
    pause = Math.min(pause * 2, 100);
    const seen = await peekIdempotency(deps.sql, agentId, key);
    if (seen && seen.status === "in_flight" && seen.remaining_s > 0) continue;
    if (seen && seen.request_hash !== hash) return { kind: "reused" };
    outcome = await claim();
  }
  return outcome;
}

async function runWrite(
  deps: ToolDeps,
  call: ToolCall,
  ctx: ToolCallContext,
  args: Record<string, unknown>,
  key: string,
  projectId: string | null,
  headers: Record<string, string>,
  denyHere: (error: HttpError, details?: Record<string, unknown>) => Promise<never>,
): Promise<ToolResponse> {
  const hash = requestHash(call.tool.name, args);
  const outcome = await claimOrWait(
    deps,
    call.agent.agent.id,
    key,
    () =>
      claimIdempotency(deps.sql, {
        agent_id: call.agent.agent.id,
        key,
        tool: call.tool.name,
        request_hash: hash,
        request_id: call.requestId,
        project_id: projectId,
        lease_s: deps.settings.idempotencyLeaseS,
      }),
    hash,
  );
  if (outcome.kind === "reused") {
    return denyHere(
      new HttpError("idempotency_key_reused", "this idempotency_key was already used with other arguments; use a fresh key for a different change", {
        idempotency_key: key,
      }),
      { idempotency_key: key },
    );
  }
  if (outcome.kind === "in_progress") {
    return denyHere(
      new HttpError(
        "idempotency_in_progress",
        `a call with this idempotency_key is still running; retry the same call in ${outcome.retry_after_s} s`,
        { idempotency_key: key },
        { "Retry-After": String(outcome.retry_after_s) },
      ),
      { idempotency_key: key },
    );
  }
  if (outcome.kind === "replay") {
    await deps.audit({
      ...auditBase(call, projectId),
      outcome: "replayed",
      details: { idempotency_key: key, idempotency_record_id: outcome.record_id, card_id: outcome.card_id },
    });
    return { status: outcome.status, bodyText: outcome.body, headers: { ...headers, [IDEMPOTENT_REPLAYED_HEADER]: "true" } };
  }
  return executeClaimedWrite(deps, call, ctx, args, key, projectId, headers, outcome.record);
}

async function executeClaimedWrite(
  deps: ToolDeps,
  call: ToolCall,
  baseCtx: ToolCallContext,
  args: Record<string, unknown>,
  key: string,
  projectId: string | null,
  headers: Record<string, string>,
  record: ClaimedRecord,
): Promise<ToolResponse> {
  let begun = false;
  const idem = { idempotency_key: key, idempotency_record_id: record.id, attempt: record.attempts };
  const write: WriteContext = {
    recordId: record.id,
    attempts: record.attempts,
    progress: record.progress,
    async beginWrite(details, progress) {
      // Two autocommit statements, in this order, both committed before Tasker is called:
      // a crash between them leaves no Tasker write behind, so they need no transaction
      // (and stay clear of the embedded PGlite's shared session).
      if (progress) await saveIdempotencyProgress(deps.sql, record.id, progress);
      await deps.audit({ ...auditBase(call, projectId), outcome: "allowed", details: { ...details, ...idem } });
      begun = true;
    },
  };
  const ctx: ToolCallContext = { ...baseCtx, write };

  let bodyText: string;
  try {
    const result = await call.tool.handler(deps, ctx, args);
    bodyText = validateOutput(deps, call, result);
  } catch (error) {
    const known = asHttpError(error, true);
    // Keep the record (and its external_id) whenever Tasker may hold the change: the
    // retry then reconciles instead of writing twice. Otherwise forget the claim.
    const keep = (begun && isAmbiguousWriteFailure(error)) || record.attempts > 1 || (begun && known?.code === "internal");
    try {
      if (keep) await expireIdempotencyLease(deps.sql, record.id);
      else await releaseIdempotency(deps.sql, record.id);
    } catch (e) {
      deps.logger.error({ err: e, request_id: call.requestId }, "could not settle the idempotency record after a failure");
    }
    await deps
      .audit({
        ...auditBase(call, projectId),
        outcome: "failed",
        error_code: known?.code ?? "internal",
        details: { ...idem, card_id: ctx.touched.card_id, tasker_write_attempted: begun, retryable_record: keep },
      })
      .catch((e) => deps.logger.error({ err: e, request_id: call.requestId }, "audit of a failed tool call failed"));
    if (known) throw new HttpError(known.code, known.message, known.details, { ...headers, ...known.headers }, known.retryable);
    throw error;
  }
  // The answer does not wait for this commit: if it were lost (crash), the record stays in
  // flight, and once its lease ends a retry reconciles through the external ref (same card,
  // same comment). Duplicates arriving meanwhile wait for it (claimOrWait).
  completeIdempotency(deps.sql, record.id, { status: 200, body: bodyText, card_id: ctx.touched.card_id }).catch((e) =>
    deps.logger.error({ err: e, request_id: call.requestId }, "could not store the idempotent answer; a retry will reconcile"),
  );
  return { status: 200, bodyText, headers };
}
