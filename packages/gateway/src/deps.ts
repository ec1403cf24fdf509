import type { MiddlewareHandler } from "hono";
import type { Sql } from "postgres";
import type { Logger } from "pino";
import type { Config } from "./config/config";
import type { GatewayEnv } from "./http/context";
import type { RecordAudit } from "./audit/record-audit";
import type { RateLimiter } from "./rate-limit/rate-limiter";
import type { TaskerAdapter } from "./tasker/types";
import type { AuthCache } from "./auth/auth-cache";
import type { AgentAuthenticator } from "./auth/require-agent";
import type { DenialAudit } from "./auth/denial-audit";

/**
 * What app.ts hands to the route factories it does not define itself (today:
 * `toolRoutes(deps)` of routes/tools.ts). Kept stable: add fields, never change the
 * existing ones, so those factories never break on a change elsewhere in the gateway.
 */
export interface GatewayDeps {
  /** The runtime pool (as the nodedc_gateway_app role on a real Postgres). */
  sql: Sql;
  /** Same database, `synchronous_commit = off`: only for writes a DB crash may lose (see db/database.ts). */
  relaxedSql: Sql;
  config: Config;
  logger: Logger;
  /** The only door to Tasker. */
  adapter: TaskerAdapter;
  /** The audit writer: `durable`, `relaxed` or `inTransaction(tx, …)` (audit/record-audit.ts). */
  audit: RecordAudit;
  /** Postgres-backed limits that hold across replicas. */
  rateLimiter: RateLimiter;
  /** Agent-token auth: sets `c.get("agent")`, or answers 401/403 itself. Always reads the database. */
  requireAgent: MiddlewareHandler<GatewayEnv>;
  /**
   * The same, answering from the auth cache when it can: only for routes that confirm
   * `c.get("authEpoch")` before acting (tool calls: auth/auth-epoch.ts).
   */
  requireAgentCached: MiddlewareHandler<GatewayEnv>;
  /** requireAgent's check as a function, always from the database (confirms a cached authentication). */
  authenticateAgent: AgentAuthenticator;
  /** Agent-auth rows shared by both middlewares (auth/auth-cache.ts). */
  authCache: AuthCache;
  /** Aggregated audit of refused agent requests (auth/denial-audit.ts). */
  denialAudit: DenialAudit;
}
