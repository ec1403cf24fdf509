import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import { matchedRoutes } from "hono/route";
import type { Sql } from "postgres";
import type { Logger } from "pino";
import { LIMITS } from "@nodedc/shared";
import type { Config } from "./config/config";
import type { GatewayDeps } from "./deps";
import type { GatewayEnv } from "./http/context";
import { notFound, onError } from "./http/on-error";
import { requestId } from "./http/request-id";
import { limitBody } from "./http/body-limit";
import { CLIENT_CLOSED_REQUEST } from "./http/client-abort";
import { createJwtVerifier, type JwtVerifier } from "./auth/launcher-jwt";
import { agentAuthenticator, requireAgent } from "./auth/require-agent";
import { AuthCache } from "./auth/auth-cache";
import { createDenialAudit } from "./auth/denial-audit";
import { requireUser } from "./auth/require-user";
import { bindRecordAudit } from "./audit/record-audit";
import { createRateLimiter } from "./rate-limit/rate-limiter";
import { createOwnerStatusChecker } from "./owners/launcher-status";
import { createMetrics, type Metrics } from "./observability/metrics";
import { metaRoutes } from "./routes/meta";
import { agentRoutes } from "./routes/agents";
import { auditRoutes } from "./routes/audit";
import { ownerRoutes } from "./routes/owners";
import { pairingRoutes } from "./routes/pairing";
import { agentSessionRoutes } from "./routes/agent-session";
import { toolRoutes } from "./routes/tools";
import { consoleRoutes } from "./console/console-routes";
import type { TaskerAdapter } from "./tasker/types";
import { ROUTES } from "@nodedc/shared";
import { loadSigningKey, type SigningKey } from "./audit/sealing/signing-key";
import { auditSealRoutes } from "./routes/audit-seals";

/** What buildApp needs from the outside; everything else it assembles itself. */
export interface AppInput {
  sql: Sql;
  /** `synchronous_commit = off` pool (Database.relaxedSql); defaults to `sql`. */
  relaxedSql?: Sql;
  config: Config;
  logger: Logger;
  /** One line per request (fixed fields, no redaction pass); defaults to `logger`. */
  accessLogger?: Logger;
  adapter: TaskerAdapter;
  metrics?: Metrics;
  /** Used for Launcher owner-status checks (tests inject nothing: a real server stands in). */
  fetch?: typeof fetch;
  /** Verifies Launcher JWTs (default from config.launcher). */
  verifyJwt?: JwtVerifier;
  boot?: { id: string; started_at: string };
  /** Shared agent-auth rows (default: a new one per app). */
  authCache?: AuthCache;
  /** The key that signs audit checkpoints (default: loaded from config.audit). */
  auditSigningKey?: SigningKey;
}

export interface BuiltApp {
  app: Hono<GatewayEnv>;
  deps: GatewayDeps;
  metrics: Metrics;
}

const DENIAL_FLUSH_MS = 10_000;

/** Assembles the shared dependencies (no I/O but the timer that flushes denial summaries). */
export function createGatewayDeps(input: AppInput): GatewayDeps {
  const relaxedSql = input.relaxedSql ?? input.sql;
  const audit = bindRecordAudit(input.sql, relaxedSql, (event, error) => {
    input.metrics?.auditWriteFailures.inc({ action: event.action.slice(0, 64), outcome: event.outcome });
    input.logger.error({ err: error, request_id: event.request_id, action: event.action, outcome: event.outcome }, "audit event could not be written");
  });
  const ownerStatus = createOwnerStatusChecker(input.config.launcher, input.sql, input.logger, input.fetch);
  const authCache = input.authCache ?? new AuthCache();
  const rateLimiter = createRateLimiter(relaxedSql);
  const denialAudit = createDenialAudit({ write: (event) => audit.relaxed(event) });
  // summaries of ended windows are written even when the refused client stops calling
  setInterval(() => void denialAudit.flush(), DENIAL_FLUSH_MS).unref();
  const agentAuth = { sql: input.sql, relaxedSql, config: input.config, logger: input.logger, audit, ownerStatus, cache: authCache, rateLimiter, denials: denialAudit };
  return {
    sql: input.sql,
    relaxedSql,
    config: input.config,
    logger: input.logger,
    adapter: input.adapter,
    audit,
    rateLimiter,
    denialAudit,
    requireAgent: requireAgent(agentAuth),
    requireAgentCached: requireAgent({ ...agentAuth, readFromCache: true }),
    authenticateAgent: agentAuthenticator(agentAuth),
    authCache,
  };
}

function routeLabel(c: Context): string {
  const routes = matchedRoutes(c).filter((r) => r.method !== "ALL");
  return routes.at(-1)?.path ?? "unmatched";
}

/**
 * The whole HTTP surface, side-effect free: no listening, no I/O until a request comes.
 * `main.ts` serves it; tests call `app.request()` or serve it on a random port.
 */
export function buildApp(input: AppInput): BuiltApp {
  const { config, logger, sql } = input;
  const accessLogger = input.accessLogger ?? logger;
  const metrics = input.metrics ?? createMetrics();
  const deps = createGatewayDeps({ ...input, metrics });
  const boot = input.boot ?? { id: randomUUID(), started_at: new Date().toISOString() };
  const verifyJwt = input.verifyJwt ?? createJwtVerifier(config.launcher);
  const users = requireUser({ verify: verifyJwt, sql, logger });
  const services = requireUser({ verify: verifyJwt, sql, logger, roles: ["service", "platform_admin"] });

  const app = new Hono<GatewayEnv>();
  app.use("*", requestId());
  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    const labels = { method: c.req.method, route: routeLabel(c), status: String(c.res.status) };
    metrics.httpRequests.inc(labels);
    if (c.res.status === CLIENT_CLOSED_REQUEST) metrics.clientAborts.inc({ method: labels.method, route: labels.route });
    const seconds = (performance.now() - started) / 1000;
    metrics.httpDuration.observe(labels, seconds);
    // one access line per request: ids only, never headers or bodies
    accessLogger.info(
      {
        request_id: c.get("requestId"),
        method: c.req.method,
        route: labels.route,
        status: c.res.status,
        ms: Math.round(seconds * 10_000) / 10,
        agent_id: c.get("agent")?.agent.id,
        user_id: c.get("user")?.user_id,
      },
      "request",
    );
  });
  app.use("*", limitBody(LIMITS.max_body_bytes));

  app.route("/", metaRoutes({ sql, config, metrics, boot }));
  app.route("/", agentRoutes({ ...deps, requireUser: users }));
  app.route("/", auditRoutes({ sql, requireUser: users }));
  const auditSigningKey = input.auditSigningKey ?? loadSigningKey({ value: config.audit.signingKey, file: config.audit.signingKeyFile });
  app.route("/", auditSealRoutes({ sql, requireUser: users, signingKey: auditSigningKey }));
  app.route("/", ownerRoutes({ sql, audit: deps.audit, requireService: services }));
  app.route("/", pairingRoutes({ ...deps }));
  app.route("/", agentSessionRoutes({ ...deps }));
  app.route(ROUTES.tools, toolRoutes(deps));
  app.route("/", consoleRoutes({ ...deps, verifyJwt }));

  app.onError(onError(logger));
  app.notFound(notFound);
  return { app, deps, metrics };
}
