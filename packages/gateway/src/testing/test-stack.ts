/**
 * The test harness everyone uses: a real gateway on a real socket over a real, isolated
 * database, in front of the real Tasker sandbox. Nothing is mocked.
 *
 *   const stack = await startTestStack();
 *   const { agent } = await stack.createAgent("demo.owner@nodedc.local", "Anna's Codex");
 *   await stack.grant(agent.id, "DEMO", ["cards:read", "cards:write"]);
 *   const { token } = await stack.issueToken(agent.id);
 *   const res = await fetch(`${stack.gatewayUrl}/api/v1/agent-session`, { headers: { Authorization: `Bearer ${token}` } });
 *   await stack.close();
 *
 * - Database: with DATABASE_URL set, a fresh database `nodedc_t_<random>` on that server
 *   (dropped by close()); without it, an in-memory PGlite over the wire protocol.
 *   Migrations run as in production; `sql` is the gateway's own pool (the runtime role on
 *   a real Postgres), `adminSql` the login user (for dumps and checks).
 * - Tasker: `startTaskerSandbox({port: 0})`; the gateway uses its service key.
 * - Launcher: `mintJwt` signs HS256 JWTs with the stack's secret.
 * - `queryCount()` counts statements the gateway's pool sent (e.g. "no query for a bad token").
 * - `logs` holds every JSON log line of the gateway (scan them for secrets).
 * Owners are identified by email; their Launcher user id is `user-<email>`.
 */
import { randomBytes } from "node:crypto";
import type { Hono } from "hono";
import { SignJWT } from "jose";
import type { Sql } from "postgres";
import { FIXTURE, startTaskerSandbox, type SandboxHandle } from "@nodedc/tasker-sandbox";
import { routePath, ROUTES, type Agent, type Grant, type Scope } from "@nodedc/shared";
import { buildApp } from "../app";
import { assertNoSecretShapedLogLines } from "./log-secrets";
import { loadConfig, type Config } from "../config/config";
import { connect, openDatabase, type Database } from "../db/database";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { GATEWAY_AUDIENCE, type LauncherRole } from "../auth/launcher-jwt";
import { createAccessLogger, createLogger, createMemoryLogDestination } from "../observability/logger";
import { listen, type ListeningServer } from "../server";
import { createTaskerAdapter, type Clock, type TaskerAdapterWithClose } from "../tasker/index";
import { createIsolatedDatabase, type IsolatedDatabase } from "./isolated-database";

export interface TestStackOptions {
  /** Extra gateway env (wins over the stack's defaults), e.g. `{ LAUNCHER_API_URL: … }`. */
  env?: Record<string, string>;
  /** The sandbox's per-key limit (default 100 000: tests are not about Plane's 60/min). */
  sandboxRateLimitPerMin?: number;
  /** The sandbox answers the project member list like the NODE.DC fork (role, is_active). */
  sandboxForkMemberFields?: boolean;
  /** The Tasker adapter's clock (its metadata cache TTL, budget and timeouts). */
  taskerClock?: Clock;
  /** Log lines also go to stderr (debugging). */
  printLogs?: boolean;
  /**
   * Count the gateway's statements for `queryCount()` (default true). The counter uses
   * postgres.js's `debug` hook, which captures a stack per query: benchmarks turn it off.
   */
  countQueries?: boolean;
}

export interface MintJwtInput {
  sub: string;
  email?: string | null;
  role?: LauncherRole;
  /** Lifetime in seconds (default 300; more than 900 is refused by the gateway). */
  ttlS?: number;
  issuer?: string;
  audience?: string;
  /** Sign with another secret (a forged token). */
  secret?: string;
  /** Seconds to shift iat/exp into the past (expired tokens). */
  agoS?: number;
}

export interface CreatedAgent {
  agent: Agent;
  ownerUserId: string;
  /** A JWT of the owner, valid for the rest of the test. */
  ownerJwt: string;
}

export interface TestStack {
  gatewayUrl: string;
  app: Hono<GatewayEnv>;
  deps: GatewayDeps;
  sql: Sql;
  adminSql: Sql;
  database: { kind: "postgres" | "pglite"; url: string; role: string | null };
  sandbox: SandboxHandle;
  config: Config;
  logs: string[];
  queryCount(): number;
  mintJwt(input: MintJwtInput): Promise<string>;
  /** The gateway's `synchronous_commit = off` pool (read audits, last-seen, rate limits). */
  relaxedSql: Sql;
  /** The JWT of a platform admin. */
  adminJwt(): Promise<string>;
  ownerUserIdOf(email: string): string;
  createAgent(ownerEmail: string, displayName?: string): Promise<CreatedAgent>;
  grant(agentId: string, projectKey: "DEMO" | "OPS" | "SECRET", scopes: Scope[]): Promise<Grant>;
  issueToken(agentId: string, body?: { name?: string; expires_in_days?: number }): Promise<{ token: string; token_id: string }>;
  pairingCode(agentId: string, body?: { expires_in_s?: number }): Promise<string>;
  /** fetch against the gateway with JSON defaults: `stack.http("POST", "/api/v1/…", { jwt|token, body })`. */
  http(method: string, path: string, init?: { bearer?: string; body?: unknown; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch(() => {});
  };
  try {
    const sandbox = await startTaskerSandbox({
      port: 0,
      rateLimitPerMin: options.sandboxRateLimitPerMin ?? 100_000,
      forkMemberFields: options.sandboxForkMemberFields ?? false,
    });
    cleanups.push(() => sandbox.close());
    const isolated: IsolatedDatabase = await createIsolatedDatabase();
    cleanups.push(() => isolated.close());

    let handler: (req: Request) => Response | Promise<Response> = () => new Response("starting", { status: 503 });
    const server: ListeningServer = await listen((req) => handler(req), "127.0.0.1", 0);
    cleanups.push(() => server.close());

    const jwtSecret = randomBytes(32).toString("base64url");
    const config = loadConfig({
      NODE_ENV: "test",
      HOST: "127.0.0.1",
      PORT: String(server.port),
      PUBLIC_URL: server.url,
      DATABASE_URL: isolated.url,
      TASKER_API_URL: sandbox.url,
      TASKER_API_KEY: sandbox.keys.service,
      TASKER_RATE_LIMIT_PER_MIN: "100000",
      LAUNCHER_JWT_SECRET: jwtSecret,
      TOKEN_PEPPER: randomBytes(32).toString("base64url"),
      PAIRING_RATE_LIMIT_PER_IP_PER_MIN: "1000",
      PAIRING_RATE_LIMIT_GLOBAL_PER_MIN: "10000",
      AGENT_RATE_LIMIT_PER_MIN: "100000",
      OWNER_RATE_LIMIT_PER_MIN: "100000",
      LOG_LEVEL: "info",
      ...options.env,
    });

    let queries = 0;
    const db: Database = await openDatabase(config, {
      useAppRole: isolated.kind === "postgres",
      postgresOptions: options.countQueries === false ? {} : { debug: () => void queries++ },
    });
    cleanups.push(() => db.close());
    const adminSql = connect(isolated.url, { max: 2 });
    cleanups.push(() => adminSql.end({ timeout: 5 }));

    const memory = createMemoryLogDestination();
    const destination = options.printLogs
      ? { write: (line: string) => (memory.write(line), process.stderr.write(line)) }
      : memory;
    const logger = createLogger({ level: config.logLevel, destination });
    const adapter: TaskerAdapterWithClose = createTaskerAdapter({
      // env.TASKER_API_URL may put something between the gateway and the sandbox (a fault proxy)
      baseUrl: config.tasker.apiUrl ?? sandbox.url,
      apiKey: config.tasker.apiKey,
      workspaceSlug: config.tasker.workspaceSlug,
      rateLimitPerMin: config.tasker.rateLimitPerMin,
      timeoutMs: config.tasker.timeoutMs,
      ...(options.taskerClock ? { clock: options.taskerClock } : {}),
    });
    cleanups.push(() => adapter.close());
    const accessLogger = createAccessLogger({ level: config.logLevel, destination });
    const { app, deps } = buildApp({ sql: db.sql, relaxedSql: db.relaxedSql, config, logger, accessLogger, adapter });
    handler = (req) => app.fetch(req);

    const mintJwt = async (input: MintJwtInput): Promise<string> => {
      const now = Math.floor(Date.now() / 1000) - (input.agoS ?? 0);
      const claims: Record<string, unknown> = { role: input.role ?? "user" };
      if (input.email !== null) claims.email = input.email ?? `${input.sub}@example.test`;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setSubject(input.sub)
        .setIssuer(input.issuer ?? config.launcher.issuer)
        .setAudience(input.audience ?? GATEWAY_AUDIENCE)
        .setIssuedAt(now)
        .setExpirationTime(now + (input.ttlS ?? 300))
        .sign(new TextEncoder().encode(input.secret ?? jwtSecret));
    };
    const ownerUserIdOf = (email: string) => `user-${email.toLowerCase()}`;
    const ownerJwts = new Map<string, string>();
    const jwtForAgent = async (agentId: string) => ownerJwts.get(agentId) ?? (await mintJwt({ sub: "test-admin", role: "platform_admin" }));

    const http: TestStack["http"] = (method, path, init = {}) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: {
          ...(init.body !== undefined ? { "Content-Type": "application/json" } : {}),
          ...(init.bearer ? { Authorization: `Bearer ${init.bearer}` } : {}),
          ...init.headers,
        },
        ...(init.body !== undefined ? { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) } : {}),
      });
    const expectJson = async <T>(res: Response, status: number, what: string): Promise<T> => {
      const body = await res.text();
      if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status}: ${body}`);
      return JSON.parse(body) as T;
    };
    const projectIdOf = { DEMO: FIXTURE.projects.demo.id, OPS: FIXTURE.projects.ops.id, SECRET: FIXTURE.projects.secret.id } as const;

    return {
      gatewayUrl: server.url,
      app,
      deps,
      sql: db.sql,
      relaxedSql: db.relaxedSql,
      adminSql,
      database: { kind: isolated.kind, url: isolated.url, role: db.role },
      sandbox,
      config,
      logs: memory.lines,
      queryCount: () => queries,
      mintJwt,
      adminJwt: () => mintJwt({ sub: "test-admin", email: "admin@nodedc.local", role: "platform_admin" }),
      ownerUserIdOf,
      async createAgent(ownerEmail, displayName = `agent of ${ownerEmail}`) {
        const ownerUserId = ownerUserIdOf(ownerEmail);
        const ownerJwt = await mintJwt({ sub: ownerUserId, email: ownerEmail, ttlS: 900 });
        const agent = await expectJson<Agent>(
          await http("POST", ROUTES.agents, { bearer: ownerJwt, body: { display_name: displayName } }),
          201,
          "createAgent",
        );
        ownerJwts.set(agent.id, ownerJwt);
        return { agent, ownerUserId, ownerJwt };
      },
      async grant(agentId, projectKey, scopes) {
        const res = await http("POST", routePath(ROUTES.agentGrants, { agent_id: agentId }), {
          bearer: await jwtForAgent(agentId),
          body: { workspace_slug: config.tasker.workspaceSlug, project_id: projectIdOf[projectKey], scopes },
        });
        if (res.status !== 201 && res.status !== 200) throw new Error(`grant: ${res.status} ${await res.text()}`);
        return (await res.json()) as Grant;
      },
      async issueToken(agentId, body = {}) {
        const issued = await expectJson<{ token: string; id: string }>(
          await http("POST", routePath(ROUTES.agentTokens, { agent_id: agentId }), { bearer: await jwtForAgent(agentId), body }),
          201,
          "issueToken",
        );
        return { token: issued.token, token_id: issued.id };
      },
      async pairingCode(agentId, body = {}) {
        const created = await expectJson<{ code: string }>(
          await http("POST", routePath(ROUTES.agentPairingCodes, { agent_id: agentId }), { bearer: await jwtForAgent(agentId), body }),
          201,
          "pairingCode",
        );
        return created.code;
      },
      http,
      async close() {
        await cleanup();
        assertNoSecretShapedLogLines(memory.lines); // DESIGN §9 rule 3 in every stack-based test
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
