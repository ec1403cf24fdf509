/**
 * Scale (real Postgres only): 10,000 tokens and 1,000,000 audit events seeded with
 * INSERT … SELECT generate_series (the append-only trigger only refuses UPDATE/DELETE), then
 * the token lookup of agent auth and an agent's latest-100 audit page timed as the tables
 * grow 10k → 100k → 1M audit rows (tokens grow with them, audit/100). The probed agent
 * (rn 1) is a busy one: every 10th event is its own, so its page is always 100 rows.
 */
import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import type { Bench } from "../lib/context.ts";
import { freshPostgres, gatewayModule } from "../lib/database.ts";
import { summarise, timeSequential } from "../lib/stats.ts";

const S = "Scale (real Postgres; PGlite not measured: single-session, in-process)";
const AGENTS = 1_000;
const OWNERS = 100;
const PEPPER = "bench-pepper-bench-pepper-bench-pepper-0001";

interface TokenModule {
  findTokenForAuth(sql: Sql, hash: Buffer): Promise<unknown>;
  insertToken(sql: Sql, pepper: string, input: Record<string, unknown>): Promise<{ token: string; row: { id: string } }>;
}
interface HashModule {
  hashAgentToken(pepper: string, token: string): Buffer;
}
type AuditLister = (sql: Sql, agentId: string, ownerId: string) => Promise<unknown[]>;

/** The gateway's own audit listing (GET /audit-events: an owner asks for one agent's page, limit+1 rows) when it exists. */
async function auditListers(): Promise<{ byAgent: AuditLister; byOwner: AuditLister; source: string }> {
  const mod = await gatewayModule<{ listAuditEventsFor?: (sql: Sql, viewer: string | null, f: Record<string, unknown>) => Promise<unknown[]> }>("audit/audit-query.ts").catch(() => null);
  const list = mod?.listAuditEventsFor;
  if (list) {
    return {
      byAgent: (sql, agentId, ownerId) => list(sql, ownerId, { agentId, after: null, limit: 101 }),
      byOwner: (sql, _a, ownerId) => list(sql, ownerId, { after: null, limit: 101 }),
      source: "audit/audit-query.ts listAuditEventsFor, as GET /audit-events?agent_id= calls it for the owner (limit 100 + 1)",
    };
  }
  return {
    byAgent: (sql, agentId) => sql`SELECT * FROM audit_events WHERE agent_id = ${agentId} ORDER BY occurred_at DESC, id DESC LIMIT 101`,
    byOwner: (sql, _a, ownerId) => sql`SELECT * FROM audit_events WHERE owner_user_id = ${ownerId} ORDER BY occurred_at DESC, id DESC LIMIT 101`,
    source: "hand-written equivalent (the gateway's audit query was not found)",
  };
}

async function seedBase(sql: Sql): Promise<void> {
  await sql`INSERT INTO owners (user_id, email) SELECT 'bench-owner-' || g, 'bench-owner-' || g || '@bench.local' FROM generate_series(1, ${OWNERS}::int) g`;
  await sql`INSERT INTO agents (owner_user_id, display_name) SELECT 'bench-owner-' || (1 + g % ${OWNERS}::int), 'bench agent ' || g FROM generate_series(1, ${AGENTS}::int) g`;
  await sql`CREATE TABLE bench_agent_index AS SELECT id, owner_user_id, row_number() OVER (ORDER BY id) AS rn FROM agents`;
  await sql`CREATE UNIQUE INDEX ON bench_agent_index (rn)`;
  await sql`INSERT INTO grants (agent_id, workspace_slug, project_id, scopes) SELECT id, 'nodedc', ${randomUUID()}, ARRAY['cards:read'] FROM agents`;
}

async function seedTokens(sql: Sql, from: number, to: number): Promise<void> {
  await sql`
    INSERT INTO agent_tokens (agent_id, token_hash, prefix, last4, created_via)
    SELECT a.id, decode(md5('bench-t-' || g) || md5('bench-u-' || g), 'hex'), 'ndca_bench', lpad((g % 10000)::text, 4, '0'), 'issue'
      FROM generate_series(${from}::int, ${to}::int) g JOIN bench_agent_index a ON a.rn = 1 + g % ${AGENTS}::int`;
}

/**
 * Bulk load: the secondary indexes are dropped and rebuilt with their own definitions around
 * the INSERT (3–5× faster than maintaining them row by row; a rebuilt B-tree is a little
 * denser than one grown by inserts, which flatters reads slightly).
 */
async function seedAudit(sql: Sql, from: number, to: number): Promise<void> {
  const project = "0d0c0002-0000-4000-8000-000000000001";
  const indexes = await sql<{ indexname: string; indexdef: string }[]>`
    SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_events' AND indexname NOT LIKE '%_pkey'`;
  for (const i of indexes) await sql.unsafe(`DROP INDEX ${i.indexname}`);
  await sql`
    INSERT INTO audit_events (occurred_at, actor_type, agent_id, owner_user_id, project_id, action, tool, outcome, request_id, details)
    SELECT now() - make_interval(secs => (${to}::int - g) * 0.5), 'agent', a.id, a.owner_user_id, ${project}::uuid,
           'tool.call', (ARRAY['get_card','search_cards','create_card','add_comment'])[1 + g % 4], 'allowed',
           'bench-req-' || g, jsonb_build_object('duration_ms', g % 97)
      FROM generate_series(${from}::int, ${to}::int) g
      JOIN bench_agent_index a ON a.rn = CASE WHEN g % 10 = 0 THEN 1 ELSE 1 + g % ${AGENTS}::int END`;
  for (const i of indexes) await sql.unsafe(i.indexdef);
}

/**
 * EXPLAIN ANALYZE of the agent page as the API runs it: with literals (the custom plan) and
 * as the prepared statement postgres.js actually sends after a few executions (the generic
 * plan, forced here), since the two can differ.
 */
async function explainAgentPage(sql: Sql, ownerId: string, agentId: string): Promise<{ ms: string; scan: string; genericMs: string; genericScan: string; agentOnlyMs: string; agentOnlyScan: string; lines: string[] }> {
  const query = "SELECT * FROM audit_events WHERE owner_user_id = $1 AND agent_id = $2 ORDER BY occurred_at DESC, id DESC LIMIT $3";
  const pick = (lines: string[]) => ({
    ms: /Execution Time: ([\d.]+)/.exec(lines.join("\n"))?.[1] ?? "?",
    scan: (lines.find((l) => /Index|Seq Scan|Bitmap/.test(l)) ?? "?").trim().replace(/^->\s*/, "").replace(/\s+\(cost.*$/, ""),
  });
  const custom = (await sql.unsafe(`EXPLAIN (ANALYZE, BUFFERS) ${query.replace("$1", `'${ownerId}'`).replace("$2", `'${agentId}'`).replace("$3", "101")}`)).map((r) =>
    String(Object.values(r)[0]),
  );
  const generic = await sql.begin(async (tx) => {
    await tx.unsafe("SET LOCAL plan_cache_mode = force_generic_plan");
    await tx.unsafe(`PREPARE bench_agent_page (text, uuid, int) AS ${query}`);
    const rows = await tx.unsafe(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_agent_page ('${ownerId}', '${agentId}', 101)`);
    await tx.unsafe("DEALLOCATE bench_agent_page");
    return rows.map((r) => String(Object.values(r)[0]));
  });
  // The same page filtered by agent_id alone (ownership checked beforehand): what the generic plan does then.
  const agentOnly = await sql.begin(async (tx) => {
    await tx.unsafe("SET LOCAL plan_cache_mode = force_generic_plan");
    await tx.unsafe("PREPARE bench_agent_only (uuid, int) AS SELECT * FROM audit_events WHERE agent_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2");
    const rows = await tx.unsafe(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_agent_only ('${agentId}', 101)`);
    await tx.unsafe("DEALLOCATE bench_agent_only");
    return rows.map((r) => String(Object.values(r)[0]));
  });
  const c = pick(custom);
  const g = pick(generic);
  const a = pick(agentOnly);
  return {
    ms: c.ms,
    scan: c.scan,
    genericMs: g.ms,
    genericScan: g.scan,
    agentOnlyMs: a.ms,
    agentOnlyScan: a.scan,
    lines: [...custom, "-- generic plan:", ...generic, "-- agent_id only, generic plan:", ...agentOnly],
  };
}

export async function runScale(b: Bench): Promise<void> {
  const db = await freshPostgres({ migrate: true });
  try {
    const sql = db.admin;
    const tokens = await gatewayModule<TokenModule>("tokens/token-store.ts");
    const { hashAgentToken } = await gatewayModule<HashModule>("tokens/secret-hash.ts");
    const listers = await auditListers();
    await seedBase(sql);
    const [probe] = await sql<{ id: string; owner_user_id: string }[]>`SELECT id, owner_user_id FROM bench_agent_index WHERE rn = 1`;
    const real = await tokens.insertToken(sql, PEPPER, { agent_id: probe!.id, created_via: "issue", created_by: "bench" });
    const hit = hashAgentToken(PEPPER, real.token);
    const miss = hashAgentToken(PEPPER, "ndca_notarealtoken");

    let auditRows = 0;
    let tokenRows = 1;
    const growth: Array<Record<string, number>> = [];
    const plans: Record<number, string[]> = {};
    const q = { count: b.profile.scale.queries, warmup: Math.min(20, b.profile.scale.queries), maxMs: 10_000 };
    for (const size of b.profile.scale.auditSizes) {
      const t0 = Date.now();
      await seedAudit(sql, auditRows + 1, size);
      auditRows = size;
      const wantTokens = Math.min(b.profile.scale.tokens, Math.max(100, Math.round(size / 100)));
      if (wantTokens > tokenRows) await seedTokens(sql, tokenRows + 1, wantTokens);
      tokenRows = Math.max(tokenRows, wantTokens);
      await sql`ANALYZE`;
      const seedS = (Date.now() - t0) / 1000;
      const tokHit = summarise(await timeSequential(() => tokens.findTokenForAuth(sql, hit), q));
      const tokMiss = summarise(await timeSequential(() => tokens.findTokenForAuth(sql, miss), q));
      const agentPage = summarise(await timeSequential(() => listers.byAgent(sql, probe!.id, probe!.owner_user_id), q));
      const ownerPage = summarise(await timeSequential(() => listers.byOwner(sql, probe!.id, probe!.owner_user_id), q));
      const label = `${(size / 1000).toLocaleString("en")}k audit rows, ${tokenRows.toLocaleString("en")} tokens`;
      const plan = await explainAgentPage(sql, probe!.owner_user_id, probe!.id);
      plans[size] = plan.lines;
      b.results.add(S, `token lookup (hit), ${label}`, tokHit.p50, "ms p50", { note: `p99 ${tokHit.p99.toFixed(3)} ms; miss p50 ${tokMiss.p50.toFixed(3)} ms` });
      b.results.add(S, `agent's latest 100 audit events, ${label}`, agentPage.p50, "ms p50", {
        note: `p99 ${agentPage.p99.toFixed(3)} ms; server ${plan.ms} ms via ${plan.scan} (custom plan), ${plan.genericMs} ms via ${plan.genericScan} (generic plan of the prepared statement), ${plan.agentOnlyMs} ms via ${plan.agentOnlyScan} (generic, agent_id alone); owner's latest 100: p50 ${ownerPage.p50.toFixed(3)} ms; seeding took ${seedS.toFixed(1)} s`,
      });
      growth.push({ auditRows: size, tokens: tokenRows, tokenHitP50: tokHit.p50, tokenMissP50: tokMiss.p50, agentPageP50: agentPage.p50, ownerPageP50: ownerPage.p50, seedS });
      b.log(`  scale ${label}: token ${tokHit.p50.toFixed(3)} ms, agent page ${agentPage.p50.toFixed(3)} ms, owner page ${ownerPage.p50.toFixed(3)} ms (seed ${seedS.toFixed(1)} s)`);
    }
    const first = growth[0]!;
    const last = growth[growth.length - 1]!;
    b.results.add(S, `growth ${first.auditRows} → ${last.auditRows} rows: token lookup`, last.tokenHitP50! / first.tokenHitP50!, "×", { note: "1.0 = flat (B-tree on token_hash)" });
    b.results.add(S, `growth ${first.auditRows} → ${last.auditRows} rows: agent's latest 100`, last.agentPageP50! / first.agentPageP50!, "×", { note: `audit query: ${listers.source}` });
    b.results.keep("scale", { growth, auditSource: listers.source, plans });
  } finally {
    await db.close();
  }
}
