/**
 * Sealed audit (real Postgres): (a) the durable audit INSERT of a write, interleaved between
 * a database whose sealer runs (queue trigger on, a seal every second) and one without
 * sealing (trigger disabled, no sealer), p50 of each; (b) seal throughput of the real
 * sealer (100k events, and one default batch); (c) `pnpm audit:verify` (the real command, a
 * child process) on 1,000,000 sealed events. The million is sealed by a bulk fixture built
 * from the sealer's own pieces (the database's leaf hashes in one INSERT … SELECT, the
 * frontier, a signed checkpoint every 50k): sealing it with the job would take minutes of
 * the bench's budget and gives verify the very same tables (minus the inner nodes, which
 * only proofs read).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Sql } from "postgres";
import type { Bench } from "../lib/context.ts";
import { freshPostgres, gatewayModule } from "../lib/database.ts";
import { PKG, ROOT, TSX_LOADER } from "../lib/paths.ts";
import { summarise, timeInterleaved } from "../lib/stats.ts";

const S = "Sealed audit (real Postgres)";

interface SigningKey {
  keyId: string;
  sign(message: Uint8Array): Buffer;
}
interface SealResult {
  sealed: number;
}
interface Checkpoint {
  seq: number;
  treeSize: number;
  rootHash: Buffer;
  prevCheckpointHash: Buffer;
  sealedAt: Date;
  keyId: string;
  signature: Buffer;
}
interface FixtureModules {
  extraAuditColumns(sql: Sql): Promise<string[]>;
  leafHashSql(sql: Sql, extra: string[]): unknown;
  pinTextFormats(sql: Sql): Promise<void>;
  checkpointMessage(c: Omit<Checkpoint, "signature">): Buffer;
  checkpointHash(c: Checkpoint): Buffer;
  GENESIS_HASH: Buffer;
  Frontier: { empty(): { append(h: Buffer): unknown; root(): Buffer; treeSize: number; subtreeRoots: readonly Buffer[] } };
  insertCheckpoint(tx: Sql, c: Checkpoint, frontier: readonly Buffer[]): Promise<void>;
  registerSigningKey(sql: Sql, key: SigningKey): Promise<void>;
}
interface SealingModules {
  sealOnce(sql: Sql, key: SigningKey, options?: { batchSize?: number }): Promise<SealResult>;
  startSealJob(sql: Sql, key: SigningKey, options: { intervalMs: number; probeMs?: number; onError?: (e: unknown) => void }): { stop(): Promise<void> };
  loadSigningKey(source: { value: string | null; file: string | null }): SigningKey;
  auditRowOf(event: Record<string, unknown>, id: string): Record<string, unknown>;
  insertAuditEvents(sql: Sql, rows: Record<string, unknown>[]): Promise<unknown>;
}

async function modules(): Promise<SealingModules> {
  const [sealer, job, key, insert] = await Promise.all([
    gatewayModule<Pick<SealingModules, "sealOnce">>("audit/sealing/sealer.ts"),
    gatewayModule<Pick<SealingModules, "startSealJob">>("audit/sealing/seal-job.ts"),
    gatewayModule<Pick<SealingModules, "loadSigningKey">>("audit/sealing/signing-key.ts"),
    gatewayModule<Pick<SealingModules, "auditRowOf" | "insertAuditEvents">>("audit/audit-insert.ts"),
  ]);
  return { ...sealer, ...job, ...key, ...insert };
}

/** What a tool write records before it calls Tasker: one durable single-row INSERT. */
function writeEvent(m: SealingModules, sql: Sql): Promise<unknown> {
  const row = m.auditRowOf(
    { actor_type: "agent", agent_id: randomUUID(), owner_user_id: "bench-owner", token_id: randomUUID(), project_id: randomUUID(), action: "tool.create_card", tool: "create_card", outcome: "allowed", request_id: randomUUID(), details: { idempotency_key: "k" } },
    randomUUID(),
  );
  return m.insertAuditEvents(sql, [row]);
}

async function sealAll(m: SealingModules, sql: Sql, key: SigningKey, batchSize: number): Promise<{ events: number; seconds: number; seals: number }> {
  const t = process.hrtime.bigint();
  let events = 0;
  let seals = 0;
  for (;;) {
    const r = await m.sealOnce(sql, key, { batchSize });
    if (r.sealed === 0) break;
    events += r.sealed;
    seals++;
  }
  return { events, seconds: Number(process.hrtime.bigint() - t) / 1e9, seals };
}

async function fixtureModules(): Promise<FixtureModules> {
  const parts = await Promise.all([
    gatewayModule<object>("audit/sealing/canonical-row.ts"),
    gatewayModule<object>("audit/sealing/checkpoint.ts"),
    gatewayModule<object>("audit/sealing/merkle.ts"),
    gatewayModule<object>("audit/sealing/seal-store.ts"),
  ]);
  return Object.assign({}, ...parts) as FixtureModules;
}

/** Bulk load: queue trigger off and secondary indexes rebuilt afterwards (as the scale leg does). */
async function seedEventsFast(sql: Sql, n: number): Promise<void> {
  const indexes = await sql<{ indexname: string; indexdef: string }[]>`
    SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'audit_events' AND indexname NOT LIKE '%_pkey'`;
  for (const i of indexes) await sql.unsafe(`DROP INDEX ${i.indexname}`);
  await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_seal_queue`;
  await seedEvents(sql, n);
  await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_seal_queue`;
  for (const i of indexes) await sql.unsafe(i.indexdef);
}

/** Seals every event of the database at once, with the sealer's encoding, tree and signatures. */
async function sealFixture(f: FixtureModules, sql: Sql, key: SigningKey, every: number): Promise<number> {
  await f.registerSigningKey(sql, key);
  await sql.begin(async (tx) => {
    await f.pinTextFormats(tx as unknown as Sql);
    const extra = await f.extraAuditColumns(tx as unknown as Sql);
    await tx`
      INSERT INTO audit_leaves (leaf_index, event_id, leaf_hash)
      SELECT row_number() OVER (ORDER BY e.occurred_at, e.id) - 1, e.id, ${f.leafHashSql(tx as unknown as Sql, extra) as never}
      FROM audit_events e`;
  });
  const frontier = f.Frontier.empty();
  let previous: Checkpoint | null = null;
  let checkpoints = 0;
  const sign = async () => {
    const unsigned = {
      seq: (previous?.seq ?? 0) + 1,
      treeSize: frontier.treeSize,
      rootHash: frontier.root(),
      prevCheckpointHash: previous ? f.checkpointHash(previous) : f.GENESIS_HASH,
      sealedAt: new Date(),
      keyId: key.keyId,
    };
    const c: Checkpoint = { ...unsigned, signature: key.sign(f.checkpointMessage(unsigned)) };
    await sql.begin((tx) => f.insertCheckpoint(tx as unknown as Sql, c, frontier.subtreeRoots));
    previous = c;
    checkpoints++;
  };
  await sql.begin(async (tx) => {
    for await (const rows of tx<{ leaf_hash: Buffer }[]>`SELECT leaf_hash FROM audit_leaves ORDER BY leaf_index`.cursor(10_000)) {
      for (const r of rows) {
        frontier.append(r.leaf_hash);
        if (frontier.treeSize % every === 0) await sign();
      }
    }
  });
  if (frontier.treeSize % every !== 0) await sign();
  await sql`DELETE FROM audit_seal_queue`;
  return checkpoints;
}

async function seedEvents(sql: Sql, n: number): Promise<void> {
  for (let from = 1; from <= n; from += 250_000) {
    const to = Math.min(n, from + 249_999);
    await sql`
      INSERT INTO audit_events (occurred_at, actor_type, agent_id, owner_user_id, project_id, action, tool, outcome, request_id, details)
      SELECT now() - make_interval(secs => (${n}::int - g) * 0.5), 'agent', md5('a' || g % 1000)::uuid, 'bench-owner-' || g % 100,
             '0d0c0002-0000-4000-8000-000000000001'::uuid, 'tool.call', (ARRAY['get_card','search_cards','create_card','add_comment'])[1 + g % 4],
             'allowed', 'bench-req-' || g, jsonb_build_object('duration_ms', g % 97, 'card', 'DEMO-' || g)
        FROM generate_series(${from}::int, ${to}::int) g`;
  }
}

function runVerifyCli(url: string): Promise<{ wallMs: number; result: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--import", TSX_LOADER, join(PKG.gateway, "src/audit/sealing/verify-cli.ts"), "--json"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", DATABASE_URL: url },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = Number(process.hrtime.bigint() - t) / 1e6;
      try {
        resolve({ wallMs, result: { exit: code, ...(JSON.parse(out) as Record<string, unknown>) } });
      } catch {
        reject(new Error(`audit:verify exited ${code} with ${out.slice(0, 200)}`));
      }
    });
  });
}

export async function runSealing(b: Bench): Promise<void> {
  const m = await modules();
  const key = m.loadSigningKey({ value: null, file: null });
  const smoke = b.profile.smoke;

  // (a) write latency, sealer on vs off, interleaved on one server
  const on = await freshPostgres({ migrate: true });
  const off = await freshPostgres({ migrate: true });
  try {
    await off.admin`ALTER TABLE audit_events DISABLE TRIGGER audit_events_seal_queue`;
    const job = m.startSealJob(on.admin, key, { intervalMs: 1_000, probeMs: 100, onError: (e) => b.log(`  seal failed: ${String(e)}`) });
    let samples: number[][];
    try {
      samples = await timeInterleaved([() => writeEvent(m, off.admin), () => writeEvent(m, on.admin)], { ...b.profile.latency, maxMs: smoke ? 2_000 : 20_000, count: smoke ? 20 : 2_000 });
    } finally {
      await job.stop();
    }
    const [offS, onS] = samples.map(summarise) as [ReturnType<typeof summarise>, ReturnType<typeof summarise>];
    const [sealed] = await on.admin<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_leaves`;
    b.results.add(S, "durable audit write p50, sealer off", offS.p50, "ms", { note: `p99 ${offS.p99.toFixed(3)} ms, n=${offS.n}; queue trigger disabled, no sealer` });
    b.results.add(S, "durable audit write p50, sealer on", onS.p50, "ms", {
      note: `p99 ${onS.p99.toFixed(3)} ms, n=${onS.n}; queue trigger + a seal every 1 s (${sealed?.n ?? 0} events sealed meanwhile), interleaved with the row above`,
    });
    b.results.add(S, "sealer on − off, write p50", onS.p50 - offS.p50, "ms", { note: "what sealing adds to the write path (the statement trigger's queue insert)" });
  } finally {
    await on.close();
    await off.close();
  }

  // (b) seal throughput of the real sealer
  const sealSize = smoke ? 5_000 : 100_000;
  const mid = await freshPostgres({ migrate: true });
  let seal: Awaited<ReturnType<typeof sealAll>>;
  try {
    await seedEvents(mid.admin, sealSize);
    seal = await sealAll(m, mid.admin, key, 5_000);
    b.results.add(S, `seal throughput (${sealSize.toLocaleString("en")} queued events, batches of 5,000)`, seal.events / seal.seconds, "events/s", {
      note: `${seal.seconds.toFixed(1)} s in ${seal.seals} checkpoints (${((seal.seconds * 1000) / seal.seals).toFixed(0)} ms each): leaf hashes computed by the database, tree extended, leaves/nodes written, queue emptied, signed`,
    });
  } finally {
    await mid.close();
  }

  // (c) verify on a large sealed log
  const size = smoke ? 5_000 : 1_000_000;
  const big = await freshPostgres({ migrate: true });
  try {
    const t0 = Date.now();
    await seedEventsFast(big.admin, size);
    const checkpoints = await sealFixture(await fixtureModules(), big.admin, key, 50_000);
    b.log(`  sealing: ${size} events seeded and sealed into ${checkpoints} checkpoints in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await big.admin`ANALYZE`;
    const verify = await runVerifyCli(big.url);
    if (verify.result.valid !== true) throw new Error(`audit:verify did not find the log intact: ${JSON.stringify(verify.result).slice(0, 200)}`);
    b.results.add(S, `pnpm audit:verify on ${size.toLocaleString("en")} sealed events`, verify.wallMs / 1000, "s", {
      note: `wall time of the command (process start included); its own check took ${(Number(verify.result.elapsed_ms) / 1000).toFixed(2)} s`,
    });
    b.results.keep("sealing", { sealSize, seal, size, checkpoints, verify });
    b.log(`  sealing: ${seal.events} events sealed at ${(seal.events / seal.seconds).toFixed(0)}/s; ${size} verified in ${(verify.wallMs / 1000).toFixed(2)} s`);
  } finally {
    await big.close();
  }
}
