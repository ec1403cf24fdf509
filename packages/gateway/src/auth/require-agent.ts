import type { MiddlewareHandler } from "hono";
import type { Sql } from "postgres";
import type { Logger } from "pino";
import { isWellFormedAgentToken, type Scope } from "@nodedc/shared";
import type { Config } from "../config/config";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import type { AgentContext } from "../pipeline/types";
import type { RecordAudit } from "../audit/record-audit";
import type { OwnerStatusChecker } from "../owners/launcher-status";
import { hashAgentToken } from "../tokens/secret-hash";
import { findTokenForAuth, touchToken, type TokenAuthRow } from "../tokens/token-store";
import { bearerCredential } from "./bearer";

export interface RequireAgentOptions {
  sql: Sql;
  /** For last-seen writes (a lost one is harmless); defaults to `sql`. */
  relaxedSql?: Sql;
  config: Pick<Config, "tokenPepper" | "lastSeenWriteIntervalS">;
  logger: Logger;
  audit: RecordAudit;
  ownerStatus: OwnerStatusChecker;
}

/**
 * Agent routes: an agent token (`ndca_…`) and nothing else (a Launcher JWT fails the
 * format check). The order matters for speed and for leaks:
 * 1. format + CRC32 checksum — garbage and JWTs are refused with no database query;
 * 2. HMAC-SHA256(TOKEN_PEPPER) → one indexed query for token, agent, owner and grants;
 * 3. unknown, revoked or expired token, revoked agent, annulled owner → the same 401;
 *    blocked owner (or unverifiable past the grace period) → 403 owner_inactive;
 *    paused agent → 403 agent_paused. Denials of a known agent are audited.
 * 4. last_used_at / last_seen_at are written at most once per LAST_SEEN_WRITE_INTERVAL_S.
 * Sets `c.get("agent")` (AgentContext) for the handlers.
 */
export function requireAgent(options: RequireAgentOptions): MiddlewareHandler<GatewayEnv> {
  const { sql, config, logger, audit, ownerStatus } = options;
  const relaxedSql = options.relaxedSql ?? sql;
  const touchIntervalMs = config.lastSeenWriteIntervalS * 1000;

  async function deny(c: Parameters<MiddlewareHandler<GatewayEnv>>[0], row: TokenAuthRow, error: HttpError, reason: string): Promise<never> {
    try {
      await audit({
        actor_type: "agent",
        agent_id: row.agent_id,
        owner_user_id: row.owner_user_id,
        token_id: row.token_id,
        action: "agent.auth",
        outcome: "denied",
        error_code: error.code,
        request_id: c.get("requestId"),
        details: { reason, method: c.req.method, path: c.req.path },
      }, undefined, { durable: false });
    } catch (e) {
      logger.error({ err: e, request_id: c.get("requestId") }, "audit of a denied agent request failed");
    }
    throw error;
  }

  return async function requireAgentMiddleware(c, next) {
    const credential = bearerCredential(c);
    if (!credential || !isWellFormedAgentToken(credential)) throw HttpError.unauthenticated();
    const row = await findTokenForAuth(sql, hashAgentToken(config.tokenPepper, credential));
    if (!row) {
      logger.info({ request_id: c.get("requestId") }, "unknown agent token");
      throw HttpError.unauthenticated();
    }
    if (row.revoked_at) return deny(c, row, HttpError.unauthenticated(), "token_revoked");
    if (row.expired) return deny(c, row, HttpError.unauthenticated(), "token_expired");
    if (row.agent_status === "revoked") return deny(c, row, HttpError.unauthenticated(), "agent_revoked");

    const verdict = await ownerStatus.effectiveStatus({
      user_id: row.owner_user_id,
      status: row.owner_status,
      status_checked_at: row.status_checked_at,
      status_unreachable_since: row.status_unreachable_since,
    });
    if (verdict.status === "annulled") return deny(c, row, HttpError.unauthenticated(), "owner_annulled");
    if (verdict.status === "blocked") return deny(c, row, HttpError.ownerInactive(), "owner_blocked");
    if (verdict.unverifiable) {
      const error = new HttpError(
        "owner_inactive",
        "the owner's status cannot be confirmed with the platform right now; retry later",
        { reason: "owner_status_unverifiable" },
        {},
        true,
      );
      return deny(c, row, error, "owner_status_unverifiable");
    }
    if (row.agent_status === "paused") return deny(c, row, HttpError.agentPaused(), "agent_paused");

    if (!row.last_used_at || Date.now() - row.last_used_at.getTime() >= touchIntervalMs) {
      await touchToken(relaxedSql, row.token_id);
    }
    const agent: AgentContext = {
      agent: { id: row.agent_id, display_name: row.display_name, status: "active" },
      owner: { user_id: row.owner_user_id, email: row.owner_email },
      token: { id: row.token_id, prefix: row.prefix, last4: row.last4, expires_at: row.expires_at?.toISOString() ?? null },
      grants: row.grants.map((g) => ({ ...g, scopes: g.scopes as Scope[] })),
    };
    c.set("agent", agent);
    await next();
  };
}
