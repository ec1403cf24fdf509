/**
 * Everything that needs the gateway: way (2) on Postgres and on PGlite, the upstream calls
 * of each tool and their direct replay, way (3) MCP stdio, `nodedc-tasker mcp` cold start and
 * RSS, and the gateway's RSS under 200 concurrent callers.
 */
import type { Bench, SandboxInfo } from "../lib/context.ts";
import { freshPostgres } from "../lib/database.ts";
import { callOp, loadOp, type HttpOp } from "../lib/http.ts";
import { prepareGatewayEntry } from "../lib/gateway-build.ts";
import { GATEWAY_MAIN, gatewayEntry, startGateway, useGatewayEntry, type GatewayProcess } from "../lib/gateway-process.ts";
import { CLI_DIST, fileExists } from "../lib/paths.ts";
import { ask, memoryOf } from "../lib/proc.ts";
import type { WayColumn } from "../lib/report.ts";
import { errorText } from "../lib/results.ts";
import { summarise, throughput, timeInterleaved } from "../lib/stats.ts";
import { TARGETS } from "../lib/targets.ts";
import { describeRounds, recordUpstream, replayCall, roundsOf } from "../lib/upstream.ts";
import { FLOOR_SECTION, floorLeg } from "./floor.ts";
import { LATENCY_MS } from "./rounds.ts";
import { measureWay, settle, withCpu, type WayOp } from "../lib/way.ts";
import { coldStart } from "./cold-start.ts";
import { createBenchAgent } from "./gateway-setup.ts";
import { directOps } from "./direct.ts";
import { gatewayOps } from "./gateway-rest.ts";
import { mcpEnv, mcpOps, startMcp } from "./mcp-stdio.ts";
import type { StdioServer } from "../lib/mcp-client.ts";
import { PEER_ENTRY, peerOps, startPeer } from "./peer.ts";

const MEM = "Cold start and memory";
const MCP = "MCP stdio (nodedc-tasker mcp), interleaved with REST calls";
const RATIO = "Ours ÷ peer, MCP stdio (3 vs 4)";
const UP = "Round trips behind one tool call";
const CONTEXT = "Context cost of the tool list (tools/list over MCP)";
// Context, not targets: the targets are ratios to the floor (legs/floor.ts).
const OVER = "Gateway overhead (Postgres) over direct sandbox calls, interleaved";

/** Records each tool's upstream requests, then measures their direct replay next to the gateway. */
async function upstreamComparison(b: Bench, s: SandboxInfo, ops: WayOp[], dbTransactions: () => Promise<number | null>): Promise<void> {
  const top = Math.max(...b.profile.load.concurrencies);
  const equivalent: Record<string, unknown> = {};
  for (const w of ops) {
    if (!w.http) continue;
    try {
      await compareOne(b, s, w, top, equivalent, dbTransactions);
    } catch (error) {
      b.results.na(UP, `${w.op}: gateway p50 − same requests made directly`, `n/a: ${errorText(error)}`);
      b.log(`  upstream ${w.op}: ${errorText(error)}`);
    }
  }
  b.results.keep("upstream", equivalent);
}

async function compareOne(b: Bench, s: SandboxInfo, w: WayOp, top: number, equivalent: Record<string, unknown>, dbTransactions: () => Promise<number | null>): Promise<void> {
  {
    if (!w.http) return;
    const op = w.http.op;
    let i = 5_000_000;
    // Recorded under the latency fault, so requests the gateway overlapped are one round and
    // replay in parallel (at zero latency the sandbox stamps them back to back: lib/rounds.ts).
    await ask(s.child, { cmd: "latency", ms: LATENCY_MS });
    let calls;
    try {
      calls = await recordUpstream(s.child, () => callOp(w.http!.baseUrl, op, i++));
    } finally {
      await ask(s.child, { cmd: "latency", ms: 0 });
    }
    if (calls.length > 20) throw new Error(`${calls.length} upstream requests recorded for one call: not a quiet sandbox`);
    const rounds = roundsOf(calls);
    const replay = replayCall(s.url, s.keys.service!, rounds);
    const single = directOps(s).find((d) => d.op === w.op)?.http;
    const directOne = single ? (n: number) => callOp(single.baseUrl, single.op, 6_500_000 + n) : null;
    const db0 = await dbTransactions();
    const fns = [replay, (n: number) => callOp(w.http!.baseUrl, op, 6_000_000 + n), ...(directOne ? [directOne] : [])];
    const [replayS, gwS, directS] = await timeInterleaved(fns, b.profile.latency);
    const db1 = await dbTransactions();
    const direct = summarise(replayS!);
    const gw = summarise(gwS!);
    if (directS) {
      const one = summarise(directS);
      b.results.add(OVER, `${w.op}: gateway p50 − one direct call`, gw.p50 - one.p50, "ms", {
        note: `gateway ${gw.p50.toFixed(2)} ms vs direct ${one.p50.toFixed(2)} ms, interleaved call by call (n=${gw.n})`,
      });
    }
    const load = { concurrency: top, durationMs: b.profile.load.seconds * 1000, maxCalls: b.profile.load.amount ? Math.max(b.profile.load.amount, top) : 1_000_000 };
    const directRate = await throughput((n) => replay(7_000_000 + n), load);
    const gwRate = await throughput((n) => callOp(w.http!.baseUrl, op as HttpOp, 8_000_000 + n, 256), load);
    await settle([s.pid]);
    b.results.add(UP, `${w.op}: Tasker requests per call`, calls.length, "", { note: describeRounds(rounds) });
    if (db0 !== null && db1 !== null) {
      b.results.add(UP, `${w.op}: database transactions per call`, (db1 - db0) / (gw.n + b.profile.latency.warmup), "", { note: "pg_stat_database.xact_commit over the loop (one per autocommit statement); each is a network round trip" });
    }
    b.results.add(OVER, `${w.op}: gateway p50 − the same Tasker requests made directly`, gw.p50 - direct.p50, "ms", {
      note: `gateway ${gw.p50.toFixed(2)} ms vs replay ${direct.p50.toFixed(2)} ms, interleaved call by call`,
    });
    b.results.add(OVER, `${w.op}: calls/s vs the same Tasker requests made directly, ${top} in flight`, (gwRate.callsPerSec / directRate.callsPerSec) * 100, "%", {
      note: `${gwRate.callsPerSec.toFixed(0)} ÷ ${directRate.callsPerSec.toFixed(0)} calls/s, same Node client${gwRate.errors + directRate.errors ? `; errors ${gwRate.errors}/${directRate.errors}` : ""}`,
    });
    equivalent[w.op] = { calls: calls.map((c) => `${c.method} ${c.path}`), rounds: rounds.length, direct, gateway: gw, directRate, gwRate };
    b.log(`  upstream ${w.op}: ${calls.length} requests (${describeRounds(rounds)}); gateway ${gw.p50.toFixed(2)} vs direct ${direct.p50.toFixed(2)} ms`);
  }
}

/** 100 sequential get_card calls through the SDK client: the tail a single agent sees. */
async function mcpTail(b: Bench, getCard: WayOp): Promise<void> {
  const n = b.profile.smoke ? 10 : 100;
  for (let i = 0; i < 10; i++) await getCard.call!(9_000_000 + i);
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await getCard.call!(9_100_000 + i);
    samples.push(performance.now() - t);
  }
  const l = summarise(samples);
  b.results.add(MCP, `get_card: p99 over ${n} sequential calls`, l.p99, "ms", { note: `p50 ${l.p50.toFixed(2)} ms, max ${l.max.toFixed(1)} ms, after 10 unmeasured calls` });
}

/**
 * Context cost: what `tools/list` puts in a model's context, ours and the peer's, without
 * output schemas (the input side: name, description, input schema, annotations).
 */
async function toolListCost(b: Bench, ours: StdioServer, peer: StdioServer | null): Promise<void> {
  const measure = async (server: StdioServer) => {
    const { tools } = (await server.client.listTools()) as unknown as { tools: Array<Record<string, unknown>> };
    const inputSide = tools.map(({ outputSchema: _out, ...rest }) => rest);
    return {
      count: tools.length,
      bytes: Buffer.byteLength(JSON.stringify(inputSide)),
      schemaBytes: Buffer.byteLength(JSON.stringify(tools.map((t) => t.inputSchema))),
      fullBytes: Buffer.byteLength(JSON.stringify(tools)),
    };
  };
  const o = await measure(ours);
  b.results.keep("toolList", { ours: o });
  const detail = (x: typeof o) => `${x.count} tools, ${x.bytes} B (input schemas alone ${x.schemaBytes} B; with output schemas ${x.fullBytes} B)`;
  if (!peer) {
    b.results.na(CONTEXT, "tools/list bytes, ours ÷ peer", "n/a: peer not installed", { target: TARGETS.toolListBytes });
    b.results.add(CONTEXT, "tools/list bytes, ours", o.bytes, "B", { note: detail(o) });
    return;
  }
  const p = await measure(peer);
  b.results.keep("toolList", { ours: o, peer: p });
  b.results.add(CONTEXT, "tools/list bytes (no output schemas)", o.bytes / p.bytes, "×", {
    target: TARGETS.toolListBytes,
    compare: { ours: o.bytes, reference: p.bytes, unit: "B", label: "peer" },
    note: `ours: ${detail(o)}; peer: ${detail(p)}`,
  });
  b.results.add(CONTEXT, "tools in the list", o.count, "", { compare: { ours: o.count, reference: p.count, unit: "", label: "peer" } });
}

/** Max VmRSS sampled while 200 callers keep the gateway busy, plus its peak since start. */
async function rssUnder200(b: Bench, g: GatewayProcess, op: HttpOp): Promise<void> {
  const c = b.profile.rss200.callers;
  const before = memoryOf(g.pid);
  let max = 0;
  const timer = setInterval(() => {
    const m = memoryOf(g.pid);
    if (m) max = Math.max(max, m.rssMb);
  }, 50);
  try {
    const r = await loadOp(g.url, op, c, { seconds: b.profile.rss200.seconds, ...(b.profile.rss200.amount ? { amount: b.profile.rss200.amount } : {}) });
    const m = memoryOf(g.pid);
    if (m) max = Math.max(max, m.rssMb);
    b.results.add(MEM, `gateway (Postgres): RSS under ${c} concurrent callers`, max, "MB", {
      target: TARGETS.gatewayRss200,
      note: `${op.name}, ${r.callsPerSec.toFixed(0)} calls/s, ${r.failed} failed; RSS just before ${before?.rssMb.toFixed(1) ?? "?"} MB (after all the other gateway legs); peak since start (VmHWM) ${m?.hwmMb.toFixed(1) ?? "?"} MB`,
    });
  } finally {
    clearInterval(timer);
  }
}

async function mcpLegs(b: Bench, s: SandboxInfo, g: GatewayProcess, token: string, ways: Record<string, WayColumn>, restOps: WayOp[]): Promise<void> {
  if (!fileExists(CLI_DIST)) {
    ways.mcp!.na = "packages/cli/dist/cli.js not built";
    b.results.na(MEM, "nodedc-tasker mcp: spawn → initialize (median)", "n/a: CLI not built", { target: TARGETS.mcpColdStart });
    return;
  }
  try {
    const cs = await coldStart(b, "nodedc-tasker mcp", process.execPath, [CLI_DIST, "mcp"], mcpEnv(g.url, token));
    b.results.add(MEM, "nodedc-tasker mcp: spawn → initialize (median)", cs.medianMs, "ms", { target: TARGETS.mcpColdStart, note: `node dist/cli.js mcp (no npx), n=${cs.samples.length}` });
    if (cs.hwmMb !== null) b.results.add(MEM, "nodedc-tasker mcp: peak RSS right after initialize", cs.hwmMb, "MB", { note: "idle, before any tool call" });
  } catch (error) {
    b.results.na(MEM, "nodedc-tasker mcp: spawn → initialize (median)", `n/a: ${errorText(error)}`, { target: TARGETS.mcpColdStart });
  }
  const mcp = await startMcp(g.url, token, b.profArgs);
  try {
    const ops = mcpOps(s, mcp);
    await ask(s.child, { cmd: "reset" });
    // One agent works sequentially: RSS after a sequential mix of the four tools is what a user's laptop pays.
    const seq = b.profile.smoke ? 8 : 200;
    for (let i = 0; i < seq; i++) await ops[i % ops.length]!.call!(8_000_000 + i);
    const afterSeq = memoryOf(mcp.pid ?? undefined);
    if (afterSeq) b.results.add(MEM, `nodedc-tasker mcp: peak RSS after ${seq} sequential calls`, afterSeq.hwmMb, "MB", { target: TARGETS.mcpRss, note: "the four tools in turn, one at a time (how one agent uses it)" });
    ways.mcp!.figures = await measureWay("mcp", withCpu(ops, { mcp: mcp.pid, gateway: g.pid, sandbox: s.pid }), b.profile, b.log);
    for (const m of ops) {
      const f = ways.mcp!.figures[m.op];
      const cpu = f?.cpuMsPerCall?.mcp;
      if (cpu === undefined) b.results.na(MCP, `${m.op}: CPU per call of the MCP child`, `n/a: ${f?.error ?? "not measured"}`, { target: TARGETS.mcpCpu });
      else b.results.add(MCP, `${m.op}: CPU per call of the MCP child`, cpu, "ms", { target: TARGETS.mcpCpu, note: `the child's CPU time (all threads) over ${f!.latency!.n} sequential calls` });
    }
    await mcpTail(b, ops.find((o) => o.op === "get_card")!);
    // MCP vs REST and MCP vs the peer, call by call, so machine drift hits all three alike.
    await ask(s.child, { cmd: "reset" });
    const peer = fileExists(PEER_ENTRY) ? await startPeer(s).catch(() => null) : null;
    try {
      const peerCalls = peer ? peerOps(s, peer) : [];
      for (const m of ops) {
        const rest = restOps.find((r) => r.op === m.op)?.http;
        if (!rest || !m.call) continue;
        const p = peerCalls.find((x) => x.op === m.op)?.call;
        const fns = [(n: number) => callOp(rest.baseUrl, rest.op, 7_500_000 + n), (n: number) => m.call!(7_600_000 + n), ...(p ? [(n: number) => p(7_700_000 + n)] : [])];
        const [restS, mcpS, peerS] = await timeInterleaved(fns, b.profile.latency);
        const r = summarise(restS!);
        const c = summarise(mcpS!);
        b.results.add(MCP, `${m.op}: per-call overhead over REST (p50)`, c.p50 - r.p50, "ms", {
          target: TARGETS.mcpOverheadP50,
          note: `MCP ${c.p50.toFixed(2)} ms vs REST ${r.p50.toFixed(2)} ms, interleaved call by call (n=${c.n})`,
        });
        if (peerS) {
          const q = summarise(peerS);
          b.results.add(RATIO, `${m.op}: p50 latency, ours (3) ÷ peer (4)`, c.p50 / q.p50, "×", {
            // the target is get_card's (ours returns comments and activity too); the others are context
            ...(m.op === "get_card" ? { target: TARGETS.peerP50 } : {}),
            compare: { ours: c.p50, reference: q.p50, unit: "ms", label: "peer (same run)" },
            note: `interleaved call by call, zero Tasker latency (< 1 = ours faster)`,
          });
        }
      }
      await toolListCost(b, mcp, peer);
    } finally {
      await peer?.close();
    }
    const m = memoryOf(mcp.pid ?? undefined);
    if (m) b.results.add(MEM, `nodedc-tasker mcp: peak RSS after up to ${Math.max(...b.profile.load.concurrencies)} calls in flight`, m.hwmMb, "MB", { note: "stress, not a single agent's use" });
  } catch (error) {
    ways.mcp!.na = `${errorText(error)} ${mcp.stderrTail()}`.slice(0, 200);
  } finally {
    await mcp.close();
  }
}

export async function runGatewayLegs(b: Bench, s: SandboxInfo, ways: Record<string, WayColumn>): Promise<void> {
  if (!fileExists(GATEWAY_MAIN)) {
    for (const k of ["gatewayPg", "gatewayPglite", "mcp"]) ways[k]!.na = "gateway not landed (packages/gateway/src/main.ts)";
    return;
  }
  const built = await prepareGatewayEntry(b.log).catch((error: unknown) => {
    b.log(`  could not bundle the gateway (${errorText(error)}); running its TS source under tsx`);
    return null;
  });
  if (built) useGatewayEntry(built);
  b.results.keep("gatewayEntry", gatewayEntry().label);
  b.log(`  gateway entry: ${gatewayEntry().label}`);

  // (2) on the real Postgres, then (3) through it.
  let db: Awaited<ReturnType<typeof freshPostgres>> | undefined;
  try {
    db = await freshPostgres({ migrate: false });
    await ask(s.child, { cmd: "clear-log" });
    const g = await startGateway({ label: "postgres", taskerUrl: s.url, taskerKey: s.keys.service!, databaseUrl: db.url, nodeArgs: b.profArgs });
    try {
      const cred = await createBenchAgent(g.url, g.jwtSecret, s);
      const ops = gatewayOps(s, g.url, cred.token, "gwpg");
      await ask(s.child, { cmd: "reset" });
      ways.gatewayPg!.figures = await measureWay("gateway-pg", withCpu(ops, { gateway: g.pid, sandbox: s.pid }), b.profile, b.log);
      await ask(s.child, { cmd: "reset" });
      await floorLeg(b, s, g, ops).catch((error: unknown) => {
        b.results.na(FLOOR_SECTION, "the floor leg", `n/a: ${errorText(error)}`);
        b.log(`  floor: ${errorText(error)}`);
      });
      const dbName = new URL(db.url).pathname.slice(1);
      const admin = db.admin;
      const dbTransactions = async () => {
        // the statistics are flushed by each backend when idle for ~1 s
        await new Promise((r) => setTimeout(r, 1100));
        const [row] = await admin<{ c: string }[]>`SELECT xact_commit::text AS c FROM pg_stat_database WHERE datname = ${dbName}`;
        return row ? Number(row.c) : null;
      };
      await ask(s.child, { cmd: "reset" });
      await upstreamComparison(b, s, ops, dbTransactions);
      await mcpLegs(b, s, g, cred.token, ways, ops);
      await rssUnder200(b, g, ops[0]!.http!.op);
      const m = memoryOf(g.pid);
      if (m) b.results.add(MEM, "gateway (Postgres): peak RSS since start", m.hwmMb, "MB");
    } finally {
      await g.stop();
    }
  } catch (error) {
    ways.gatewayPg!.na ??= errorText(error);
    ways.mcp!.na ??= `gateway (Postgres) failed: ${errorText(error)}`;
    b.log(`  gateway (Postgres): ${errorText(error)}`);
  } finally {
    await db?.close().catch(() => {});
  }

  // (2b) on embedded PGlite (in the gateway process).
  try {
    await ask(s.child, { cmd: "clear-log" });
    const g = await startGateway({ label: "pglite", taskerUrl: s.url, taskerKey: s.keys.service!, databaseUrl: null, nodeArgs: b.profArgs });
    try {
      const cred = await createBenchAgent(g.url, g.jwtSecret, s);
      await ask(s.child, { cmd: "reset" });
      ways.gatewayPglite!.figures = await measureWay("gateway-pglite", withCpu(gatewayOps(s, g.url, cred.token, "gwlite"), { gateway: g.pid, sandbox: s.pid }), b.profile, b.log);
      const m = memoryOf(g.pid);
      if (m) b.results.add(MEM, "gateway (PGlite, in process): peak RSS since start", m.hwmMb, "MB");
    } finally {
      await g.stop();
    }
  } catch (error) {
    ways.gatewayPglite!.na = errorText(error);
    b.log(`  gateway (PGlite): ${errorText(error)}`);
  }
}
