/**
 * Micro-benchmarks in process against a fresh, migrated database on the real Postgres, with
 * the gateway's own modules: token verification (format + CRC, HMAC, the auth cache or the one auth query),
 * grant check, idempotency claim, audit insert, and the rate-limit counter every call pays.
 */
import { randomUUID } from "node:crypto";
import net from "node:net";
import { join } from "node:path";
import { track } from "../lib/children.ts";
import { startTsServer } from "../lib/proc.ts";
import type { Sql } from "postgres";
import type { Bench } from "../lib/context.ts";
import { freshPostgres, gatewayModule } from "../lib/database.ts";
import { PKG, ROOT, importFrom } from "../lib/paths.ts";
import { errorText } from "../lib/results.ts";
import { summarise, timeSequential, type LatencySummary } from "../lib/stats.ts";
import { TARGETS } from "../lib/targets.ts";

const S = "Micro-benchmarks (in process, real Postgres, gateway modules)";
const PEPPER = "bench-pepper-bench-pepper-bench-pepper-0002";

interface Grant {
  project_id: string;
  scopes: string[];
}
interface AuthRow {
  token_id: string;
  agent_id: string;
  owner_user_id: string;
  grants: Grant[];
}

/** One 8-byte ping answered by the echo child, per call. */
function pingPong(port: number): () => Promise<void> {
  let socket: net.Socket | null = null;
  let waiting: (() => void) | null = null;
  return async () => {
    if (!socket) {
      socket = net.connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      socket.on("data", () => waiting?.());
      await new Promise<void>((r) => socket!.once("connect", () => r()));
    }
    await new Promise<void>((r) => {
      waiting = r;
      socket!.write("ping1234");
    });
  };
}

export async function runMicro(b: Bench): Promise<void> {
  const echo = await startTsServer<{ port: number }>(join(ROOT, "bench/servers/echo.ts"), {});
  track(echo.child);
  const echoPort = echo.info.port;
  const db = await freshPostgres({ migrate: true });
  const stats: Record<string, LatencySummary> = {};
  try {
    const sql: Sql = db.admin;
    const { isWellFormedAgentToken } = await importFrom<{ isWellFormedAgentToken(t: string): boolean }>(PKG.gateway, "@nodedc/shared");
    const { hashAgentToken } = await gatewayModule<{ hashAgentToken(p: string, t: string): Buffer }>("tokens/secret-hash.ts");
    const tokens = await gatewayModule<{
      findTokenForAuth(sql: Sql, h: Buffer): Promise<AuthRow | null>;
      insertToken(sql: Sql, pepper: string, input: Record<string, unknown>): Promise<{ token: string }>;
    }>("tokens/token-store.ts");
    const project = randomUUID();
    await sql`INSERT INTO owners (user_id, email) VALUES ('bench-owner', 'bench@bench.local')`;
    const [agent] = await sql<{ id: string }[]>`INSERT INTO agents (owner_user_id, display_name) VALUES ('bench-owner', 'bench') RETURNING id`;
    await sql`INSERT INTO grants (agent_id, workspace_slug, project_id, scopes) VALUES (${agent!.id}, 'nodedc', ${project}, ${["cards:read", "cards:write"]})`;
    const { token } = await tokens.insertToken(sql, PEPPER, { agent_id: agent!.id, created_via: "issue", created_by: "bench" });
    const opts = { count: b.profile.micro.count, warmup: b.profile.micro.warmup, maxMs: 15_000 };

    const measure = async (name: string, fn: (i: number) => Promise<unknown>, note: string, target?: (typeof TARGETS)[keyof typeof TARGETS]) => {
      try {
        for (let i = 0; i < opts.warmup; i++) await fn(-1 - i);
        const cpu0 = process.cpuUsage();
        const s = summarise(await timeSequential(fn, { ...opts, warmup: 0 }));
        const cpu = process.cpuUsage(cpu0);
        const cpuMs = (cpu.user + cpu.system) / 1000 / s.n;
        stats[name] = s;
        b.results.add(S, `${name} p50`, s.p50, "ms", { ...(target ? { target } : {}), note: `p99 ${s.p99.toFixed(3)} ms, Node CPU ${cpuMs.toFixed(3)} ms/call, n=${s.n}; ${note}` });
        b.log(`  micro ${name}: p50 ${s.p50.toFixed(3)} ms p99 ${s.p99.toFixed(3)} ms`);
      } catch (error) {
        b.results.na(S, `${name} p50`, `n/a: ${errorText(error)}`, target ? { target } : {});
      }
    };

    await measure("baseline: loopback TCP round trip (Node ↔ Node)", pingPong(echoPort), "8-byte ping-pong with an echo server in another process: what one network round trip costs on this machine");
    await measure("baseline: SELECT 1 round trip", () => sql`SELECT 1`, "postgres.js to the server over loopback TCP: the floor of any query");
    await sql`CREATE TABLE bench_commit (x int)`;
    await measure("baseline: durable commit (1-row INSERT)", (i) => sql`INSERT INTO bench_commit VALUES (${i})`, "autocommit, synchronous_commit=on: the WAL flush (fdatasync) this disk costs");

    let row: AuthRow | null = null;
    const { AuthCache } = await gatewayModule<{ AuthCache: new () => { get(k: string): { row: AuthRow } | undefined; set(k: string, r: AuthRow, e: string, t: number): unknown } }>("auth/auth-cache.ts");
    const cache = new AuthCache();
    await measure(
      "token verification",
      async () => {
        if (!isWellFormedAgentToken(token)) throw new Error("bad token");
        const key = hashAgentToken(PEPPER, token).toString("base64");
        row = cache.get(key)?.row ?? null;
        if (!row) {
          row = await tokens.findTokenForAuth(sql, hashAgentToken(PEPPER, token));
          if (!row) throw new Error("token not found");
          cache.set(key, row, "1", 0);
        }
      },
      "as a tool call runs it: format + CRC32, HMAC-SHA256, the auth-cache hit; the auth epoch that confirms the row rides on the rate-limit statement below, which every call makes anyway",
      TARGETS.tokenCheck,
    );
    await measure(
      "token verification, database lookup",
      async () => {
        if (!isWellFormedAgentToken(token)) throw new Error("bad token");
        row = await tokens.findTokenForAuth(sql, hashAgentToken(PEPPER, token));
        if (!row) throw new Error("token not found");
      },
      "a cache miss (and GET /tools, agent-session): format + CRC32, HMAC, findTokenForAuth (one indexed query: token, agent, owner, grants, auth epoch)",
    );
    const { tokenMayUse } = await gatewayModule<{ tokenMayUse(agent: unknown, tool: unknown): boolean }>("tools/pipeline/authorise.ts").catch(() => ({ tokenMayUse: null as never }));
    await measure(
      "grant check",
      async () => {
        const ctx = { grants: row!.grants };
        if (tokenMayUse && !tokenMayUse(ctx, { scope: "cards:read" })) throw new Error("scope");
        const g = row!.grants.find((x) => x.project_id.toLowerCase() === project);
        if (!g || !g.scopes.includes("cards:write")) throw new Error("grant");
      },
      "in memory over the grants the auth query returned (authorise.ts: tokenMayUse + project find); the owner-membership check is a cached adapter call",
    );

    const idem = await gatewayModule<{
      claimIdempotency(sql: Sql, input: Record<string, unknown>): Promise<{ kind: string }>;
      requestHash(tool: string, args: Record<string, unknown>): string;
    }>("idempotency/idempotency-store.ts");
    const hash = idem.requestHash("create_card", { project_id: project, title: "bench" });
    await measure(
      "idempotency claim",
      async (i) => {
        const r = await idem.claimIdempotency(sql, { agent_id: agent!.id, key: `bench-${i}-${randomUUID()}`, tool: "create_card", request_hash: hash, request_id: `req-${i}`, project_id: project, lease_s: 60 });
        if (r.kind !== "claimed") throw new Error(r.kind);
      },
      "claimIdempotency with a fresh key: one INSERT … ON CONFLICT … RETURNING",
    );

    // One event shape for both audit measurements, so they differ only in the pool.
    const auditEvent = (requestId: string) => ({
      actor_type: "agent",
      agent_id: agent!.id,
      owner_user_id: "bench-owner",
      project_id: project,
      action: "tool.get_card",
      tool: "get_card",
      outcome: "allowed",
      request_id: requestId,
      details: { card_id: randomUUID() },
    });
    const { recordAudit } = await gatewayModule<{ recordAudit(sql: Sql, e: Record<string, unknown>): Promise<unknown> }>("audit/record-audit.ts");
    await measure(
      "audit insert",
      (i) => recordAudit(sql, auditEvent(`req-${i}`)),
      "recordAudit: one INSERT into the append-only audit_events (4 indexes), autocommit (fsync)",
    );

    const { connect } = await gatewayModule<{ connect(url: string, o: Record<string, unknown>): Sql }>("db/database.ts");
    const asyncPool = connect(db.url, { max: 1, connection: { synchronous_commit: "off" } });
    try {
      await measure(
        "audit insert, synchronous_commit=off pool",
        (i) => recordAudit(asyncPool, auditEvent(`req-off-${i}`)),
        "the same INSERT on a pool opened with synchronous_commit=off: no wait for the WAL flush (a suggestion for reads' events; writes keep durable ones)",
      );
    } finally {
      await asyncPool.end({ timeout: 5 });
    }

    const { createRateLimiter } = await gatewayModule<{
      createRateLimiter(sql: Sql): {
        consume(k: string, l: number, w: number): Promise<unknown>;
        consumeAll(b: { key: string; limit: number }[], w: number): Promise<unknown>;
      };
    }>("rate-limit/rate-limiter.ts");
    const limiter = createRateLimiter(sql);
    await measure("rate-limit counter (one bucket)", () => limiter.consume(`pairing:ip:${agent!.id}`, 1_000_000, 60), "one UPSERT on the UNLOGGED counters table (pairing uses this)");
    await measure(
      "rate limits + auth epoch (a tool call's first statement)",
      () => limiter.consumeAll([{ key: `tools:token:${agent!.id}`, limit: 1_000_000 }, { key: "tools:owner:bench-owner", limit: 1_000_000 }], 60),
      "consumeAll: both buckets (token, owner) in one UPSERT over unnest, returning the auth epoch",
    );
    const [pg] = await sql<{ v: string; sc: string }[]>`SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc`;
    b.results.keep("micro", { stats, server: pg });
  } finally {
    await db.close();
    await echo.stop();
  }
}
