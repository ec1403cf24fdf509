import type { Context, MiddlewareHandler } from "hono";
import type { Sql } from "postgres";
import type { Logger } from "pino";
import { isWellFormedAgentToken, type Scope } from "@nodedc/shared";
import type { Config } from "../config/config";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import type { AgentContext } from "./agent-context";
import type { RecordAudit } from "../audit/record-audit";
import type { OwnerStatusChecker } from "../owners/launcher-status";
import { hashAgentToken } from "../tokens/secret-hash";
import { findTokenForAuth, touchToken, type TokenAuthRow } from "../tokens/token-store";
import type { AuthCache } from "./auth-cache";
import { bearerCredential } from "./bearer";
import type { DenialAudit } from "./denial-audit";
import { rateLimitHeaders, type RateLimiter } from "../rate-limit/rate-limiter";
import { clientIp } from "../http/client-ip";
import { revokeChainOnReuse, settleFirstUse, isUnusedSuccessor } from "./rotation-on-auth";

export interface RequireAgentOptions {
  sql: Sql;
  /** For last-seen writes (a lost one is harmless); defaults to `sql`. */
  relaxedSql?: Sql;
  config: Pick<Config, "tokenPepper" | "lastSeenWriteIntervalS" | "trustProxy" | "limits">;
  logger: Logger;
  audit: RecordAudit;
  ownerStatus: OwnerStatusChecker;
  /** Shared auth rows (auth/auth-cache.ts). Rows read from the database are stored in it. */
  cache?: AuthCache;
  /**
   * Answer from `cache` when it holds the token. Only for routes that confirm the epoch
   * before acting (the tool pipeline does, in its rate-limit statement).
   */
  readFromCache?: boolean;
  /** Refusals of a known token count against its per-minute limit: past it, 429. */
  rateLimiter?: RateLimiter;
  /** Aggregates the audit of refusals per token and window; without it each is written. */
  denials?: DenialAudit;
}

const DENIAL_WINDOW_S = 60;

type Verdict = { ok: true } | { ok: false; error: HttpError; reason: string };

/**
 * Agent routes: an agent token (`ndca_…`) and nothing else (a Launcher JWT fails the
 * format check). The order matters for speed and for leaks:
 * 1. format + CRC32 checksum — garbage and JWTs are refused with no database query;
 * 2. HMAC-SHA256(TOKEN_PEPPER) → the cached row, or one indexed query for token, agent,
 *    owner and grants;
 * 3. unknown, revoked or expired token, revoked agent, annulled owner → the same 401;
 *    blocked owner (or unverifiable past the grace period) → 403 owner_inactive;
 *    paused agent → 403 agent_paused. Denials of a known agent are audited, and are always
 *    decided on a row read from the database, never on a cached one. A rotated token
 *    (its successor is in use) is a reuse: the 401 also revokes its whole chain;
 * 4. the first accepted request of a rotation successor retires its predecessor;
 * 5. last_used_at / last_seen_at are written at most once per LAST_SEEN_WRITE_INTERVAL_S.
 * The middleware sets `c.get("agent")` (AgentContext) and `c.get("authEpoch")` for the
 * handlers; `agentAuthenticator` is the same check as a function (the tool pipeline calls
 * it to confirm a cached authentication, auth/auth-epoch.ts).
 */
export function requireAgent(options: RequireAgentOptions): MiddlewareHandler<GatewayEnv> {
  const authenticate = agentAuthenticator(options);
  return async function requireAgentMiddleware(c, next) {
    const { agent, epoch } = await authenticate(c);
    c.set("agent", agent);
    c.set("authEpoch", epoch);
    await next();
  };
}

/** What agent authentication resolves for a request (the middleware sets both on `c`). */
export interface AgentAuthentication {
  agent: AgentContext;
  /** auth_epoch of the cached row used, or null when the row was read from the database now. */
  epoch: string | null;
}

/** Authenticates the request's agent token, or throws the 401/403 (audited for known agents). */
export type AgentAuthenticator = (c: Context<GatewayEnv>) => Promise<AgentAuthentication>;

export function agentAuthenticator(options: RequireAgentOptions): AgentAuthenticator {
  const { sql, config, logger, audit, ownerStatus, cache } = options;
  const relaxedSql = options.relaxedSql ?? sql;
  const touchIntervalMs = config.lastSeenWriteIntervalS * 1000;
  const readFromCache = cache !== undefined && options.readFromCache === true;

  async function deny(c: Context<GatewayEnv>, row: TokenAuthRow, error: HttpError, reason: string): Promise<never> {
    const refusal = await throttled(row, error);
    const event = {
      actor_type: "agent" as const,
      agent_id: row.agent_id,
      owner_user_id: row.owner_user_id,
      token_id: row.token_id,
      action: "agent.auth",
      outcome: "denied" as const,
      error_code: refusal.code,
      request_id: c.get("requestId"),
      details: { reason, method: c.req.method, path: c.req.path },
    };
    if (options.denials) await options.denials.record(event);
    else await audit.relaxed(event).catch(() => {}); // the writer has raised the alarm
    throw refusal;
  }

  /** A token refused again and again (a revoked token in a retry loop) is slowed to 429s. */
  async function throttled(row: TokenAuthRow, error: HttpError): Promise<HttpError> {
    if (!options.rateLimiter) return error;
    let decision;
    try {
      decision = await options.rateLimiter.consume(`auth-denied:token:${row.token_id}`, config.limits.agentPerMin, DENIAL_WINDOW_S);
    } catch (e) {
      logger.error({ err: e }, "rate limit of a refused agent request failed");
      return error; // the refusal stands without the throttle
    }
    if (decision.allowed) return error;
    const limited = HttpError.rateLimited(decision.reset_s, { limit: decision.limit, window_s: DENIAL_WINDOW_S, bucket: "token" });
    Object.assign(limited.headers, rateLimitHeaders(decision));
    return limited;
  }

  async function judge(row: TokenAuthRow): Promise<Verdict> {
    if (row.revoked_at) return { ok: false, error: HttpError.unauthenticated(), reason: "token_revoked" };
    // its successor is in use: whoever presents it now is a second holder (rotation-on-auth.ts)
    if (row.rotated_at) return { ok: false, error: HttpError.unauthenticated(), reason: "token_reused_after_rotation" };
    // `expired` is the database's verdict at read time; a cached row also expires by the clock.
    if (row.expired || (row.expires_at !== null && row.expires_at.getTime() <= Date.now())) {
      return { ok: false, error: HttpError.unauthenticated(), reason: "token_expired" };
    }
    if (row.agent_status === "revoked") return { ok: false, error: HttpError.unauthenticated(), reason: "agent_revoked" };
    const verdict = await ownerStatus.effectiveStatus({
      user_id: row.owner_user_id,
      status: row.owner_status,
      status_checked_at: row.status_checked_at,
      status_unreachable_since: row.status_unreachable_since,
    });
    if (verdict.status === "annulled") return { ok: false, error: HttpError.unauthenticated(), reason: "owner_annulled" };
    if (verdict.status === "blocked") return { ok: false, error: HttpError.ownerInactive(), reason: "owner_blocked" };
    if (verdict.unverifiable) {
      const error = new HttpError(
        "owner_inactive",
        "the owner's status cannot be confirmed with the platform right now; retry later",
        { reason: "owner_status_unverifiable" },
        {},
        true,
      );
      return { ok: false, error, reason: "owner_status_unverifiable" };
    }
    if (row.agent_status === "paused") return { ok: false, error: HttpError.agentPaused(), reason: "agent_paused" };
    return { ok: true };
  }

  /** Reads the row from the database and refreshes the cache; null for an unknown token. */
  async function readRow(key: string, hash: Buffer): Promise<TokenAuthRow | null> {
    const row = await findTokenForAuth(sql, hash);
    if (!cache) return row;
    if (!row) {
      cache.delete(key);
      return null;
    }
    const previous = cache.get(key);
    cache.set(key, row, row.auth_epoch, Math.max(previous?.touchedAt ?? 0, row.last_used_at?.getTime() ?? 0));
    return row;
  }

  return async function authenticate(c) {
    const credential = bearerCredential(c);
    if (!credential || !isWellFormedAgentToken(credential)) throw HttpError.unauthenticated();
    const hash = hashAgentToken(config.tokenPepper, credential);
    const key = hash.toString("base64");

    const cached = readFromCache ? cache!.get(key) : undefined;
    let row = cached?.row ?? (await readRow(key, hash));
    if (!row) {
      logger.info({ request_id: c.get("requestId") }, "unknown agent token");
      throw HttpError.unauthenticated();
    }
    let verdict = await judge(row);
    let epoch = cached ? cached.epoch : null;
    if (!verdict.ok && cached) {
      // a cached row may be older than a resume or a new grant: decide a denial afresh
      row = await readRow(key, hash);
      epoch = null;
      if (!row) throw HttpError.unauthenticated();
      verdict = await judge(row);
    }
    if (!verdict.ok) {
      if (verdict.reason === "token_reused_after_rotation") {
        await revokeChainOnReuse(sql, audit, row, { requestId: c.get("requestId"), ip: clientIp(c, config.trustProxy), userAgent: c.req.header("User-Agent") });
      }
      return deny(c, row, verdict.error, verdict.reason);
    }
    if (isUnusedSuccessor(row)) await settleFirstUse(sql, row, c.req.path, clientIp(c, config.trustProxy));

    const entry = cache?.get(key);
    const lastTouch = entry ? entry.touchedAt : (row.last_used_at?.getTime() ?? 0);
    if (Date.now() - lastTouch >= touchIntervalMs) {
      if (entry) entry.touchedAt = Date.now();
      await touchToken(relaxedSql, row.token_id);
    }
    const agent: AgentContext = {
      agent: { id: row.agent_id, display_name: row.display_name, status: "active" },
      owner: { user_id: row.owner_user_id, email: row.owner_email },
      token: { id: row.token_id, prefix: row.prefix, last4: row.last4, expires_at: row.expires_at?.toISOString() ?? null },
      grants: row.grants.map((g) => ({ ...g, scopes: g.scopes as Scope[] })),
    };
    return { agent, epoch };
  };
}
