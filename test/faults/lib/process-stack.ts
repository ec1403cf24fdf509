/**
 * Gateways as real processes (bench/lib/gateway-process.ts: `main.ts` under tsx, ready on
 * /readyz), on one database of a private Postgres cluster, in front of one in-process
 * Tasker sandbox whose request log counts every Tasker write. All replicas share the JWT
 * secret and the token pepper, so a token works on any of them, as in production.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { FIXTURE, startTaskerSandbox, type SandboxHandle } from "@nodedc/tasker-sandbox";
import { ROUTES, routePath } from "@nodedc/shared";
import { prepareGatewayEntry } from "../../../bench/lib/gateway-build.ts";
import { startGateway, useGatewayEntry, type GatewayProcess } from "../../../bench/lib/gateway-process.ts";
import { launcherJwt } from "../../../bench/lib/jwt.ts";
import { startPrivatePostgres, type PrivatePostgres } from "./private-postgres";

export const DEMO = FIXTURE.projects.demo.id;
const OWNER = FIXTURE.users.demoOwner.email;

export interface CallResult {
  status: number;
  /** Parsed JSON (null when the body was not JSON or the call never got an answer). */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary paths
  /** Set when the connection failed (gateway killed, refused). */
  transportError: string | null;
  retryAfterS: number | null;
}

export async function callTool(baseUrl: string, token: string, tool: string, args: Record<string, unknown>, key?: string, timeoutMs = 30_000, requestId?: string): Promise<CallResult> {
  try {
    const res = await fetch(`${baseUrl}/api/v1/tools/${tool}`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${token}`,
        "Content-Type": "application/json",
        ...(key ? { "Idempotency-Key": key } : {}),
        ...(requestId ? { "X-Request-Id": requestId } : {}),
      },
      body: JSON.stringify({ arguments: args }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let body = null;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    const retryAfter = res.headers.get("retry-after");
    return { status: res.status, body, transportError: null, retryAfterS: retryAfter ? Number(retryAfter) : null };
  } catch (error) {
    return { status: 0, body: null, transportError: String((error as Error).cause ?? (error as Error).message), retryAfterS: null };
  }
}

export interface ProcessStack {
  pg: PrivatePostgres;
  databaseUrl: string;
  /** Superuser connection to the gateway's database (audit checks). */
  adminSql: postgres.Sql;
  sandbox: SandboxHandle;
  start(label: string, env?: Record<string, string>): Promise<GatewayProcess>;
  ownerJwt(): string;
  /** An agent of the demo owner with every scope on DEMO, and its token. */
  agentWithToken(gatewayUrl: string, name: string): Promise<{ agentId: string; token: string }>;
  /** A card made by a human in DEMO (the owner's own key), bypassing the gateway. */
  humanCard(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startProcessStack(name: string): Promise<ProcessStack> {
  // As production runs it (node dist/main.js, the Dockerfile's NODE_OPTIONS): starts fast.
  const entry = await prepareGatewayEntry(() => {});
  if (entry) useGatewayEntry(entry);
  const pg = await startPrivatePostgres();
  const databaseUrl = await pg.createDatabase(`faults_${name}`);
  const adminSql = postgres(databaseUrl, { max: 2, onnotice: () => {} });
  const sandbox = await startTaskerSandbox({ port: 0, rateLimitPerMin: 1_000_000 });
  const secret = randomBytes(32).toString("hex");
  const pepper = randomBytes(32).toString("hex");
  const signingKey = randomBytes(32).toString("base64");
  const logDir = mkdtempSync(join(tmpdir(), `nodedc-faults-${name}-`));
  const started: GatewayProcess[] = [];
  const ownerJwt = () => launcherJwt(secret, { sub: `user-${OWNER}`, email: OWNER, role: "user" });

  const post = async (url: string, path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, { method: "POST", headers: { Authorization: `Bearer ${ownerJwt()}`, "Content-Type": "application/json" }, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  return {
    pg,
    databaseUrl,
    adminSql,
    sandbox,
    async start(label, env = {}) {
      const gateway = await startGateway({
        label,
        taskerUrl: sandbox.url,
        taskerKey: sandbox.keys.service,
        databaseUrl,
        logDir,
        env: { LAUNCHER_JWT_SECRET: secret, TOKEN_PEPPER: pepper, AUDIT_SIGNING_KEY: signingKey, LOG_LEVEL: "warn", ...env },
      });
      started.push(gateway);
      return gateway;
    },
    ownerJwt,
    async agentWithToken(gatewayUrl, agentName) {
      const agent = await post(gatewayUrl, ROUTES.agents, { display_name: agentName });
      const agentId = agent.id as string;
      await post(gatewayUrl, routePath(ROUTES.agentGrants, { agent_id: agentId }), {
        workspace_slug: "nodedc",
        project_id: DEMO,
        scopes: ["cards:read", "cards:write", "comments:write", "sessions:report"],
      });
      const issued = await post(gatewayUrl, routePath(ROUTES.agentTokens, { agent_id: agentId }), {});
      return { agentId, token: issued.token as string };
    },
    async humanCard(cardName) {
      const res = await fetch(`${sandbox.url}/api/v1/workspaces/nodedc/projects/${DEMO}/work-items/`, {
        method: "POST",
        headers: { "X-Api-Key": sandbox.keys.demoOwner, "Content-Type": "application/json" },
        body: JSON.stringify({ name: cardName }),
      });
      if (res.status !== 201) throw new Error(`human card: ${res.status}`);
      return ((await res.json()) as { id: string }).id;
    },
    async close() {
      for (const g of started) await g.stop().catch(() => {});
      await adminSql.end({ timeout: 5 }).catch(() => {});
      await sandbox.close().catch(() => {});
      await pg.close();
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}

/**
 * Tasker writes the gateway's service key sent after `sinceSeq`: every POST/PATCH that
 * reached the real handler (no fault, or only a delay before it, so the gateway may have
 * given up meanwhile), whatever Tasker answered. A refused duplicate is still a second write.
 */
export function taskerWrites(sandbox: Pick<SandboxHandle, "requestLog">, sinceSeq: number): { method: string; path: string; status: number }[] {
  return sandbox.requestLog
    .since(sinceSeq)
    .filter((e) => e.keyLabel === "service" && (e.method === "POST" || e.method === "PATCH") && (e.fault === null || e.fault === "latency"))
    .map((e) => ({ method: e.method, path: e.path, status: e.status }));
}

/** Audit events of this agent that carry an idempotency key, counted by key and outcome. */
export async function auditByKey(sql: postgres.Sql, agentId: string): Promise<Map<string, Set<string>>> {
  const rows = await sql<{ key: string; outcome: string }[]>`
    SELECT details->>'idempotency_key' AS key, outcome FROM audit_events
    WHERE agent_id = ${agentId} AND details ? 'idempotency_key'`;
  const out = new Map<string, Set<string>>();
  for (const r of rows) out.set(r.key, (out.get(r.key) ?? new Set()).add(r.outcome));
  return out;
}
