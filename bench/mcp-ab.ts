/**
 * `node --import tsx bench/mcp-ab.ts --entries=<a/cli.js>,<b/cli.js>[,bench/servers/mcp-floor.mjs] [--ops=get_card] [--n=600] [--peer] [--threads] [--cpu-prof]`:
 * two (or more) builds of `nodedc-tasker mcp` side by side in ONE run, each a child driven by
 * the MCP SDK's real Client, in front of the same gateway (Postgres) and Tasker sandbox. The
 * calls are interleaved one by one with a REST call of the same tool (and the Plane MCP peer's
 * equivalent with --peer), so machine drift hits all of them alike. Reported per way: p50, p99,
 * max over n sequential calls, and each MCP child's CPU per call (/proc, over the whole loop).
 * A baseline build is a copy of packages/cli/dist/cli.js kept under packages/cli (e.g.
 * node_modules/.ab/base/, ignored by git and lint), so `@napi-rs/keyring` resolves the same
 * way; bench/servers/mcp-floor.mjs is the least a stdio → HTTP forwarder costs (the yardstick).
 * CPU is read from /proc (10 ms ticks) over the whole loop, so n ≥ 1000 gives ±0.01 ms;
 * --threads splits it by thread (main vs V8's GC/compiler workers).
 */
import { join } from "node:path";
import { cpuMsOf, startTsServer } from "./lib/proc.ts";
import { ROOT } from "./lib/paths.ts";
import { freshPostgres } from "./lib/database.ts";
import { startGateway, useGatewayEntry } from "./lib/gateway-process.ts";
import { prepareGatewayEntry } from "./lib/gateway-build.ts";
import { createBenchAgent } from "./legs/gateway-setup.ts";
import { gatewayOps } from "./legs/gateway-rest.ts";
import { connectStdio, type StdioServer } from "./lib/mcp-client.ts";
import { mcpEnv, mcpOps } from "./legs/mcp-stdio.ts";
import { peerOps, startPeer } from "./legs/peer.ts";
import { callOp } from "./lib/http.ts";
import { killAllNow, track } from "./lib/children.ts";
import { summarise } from "./lib/stats.ts";
import type { SandboxInfo } from "./lib/context.ts";
import { readdirSync, readFileSync } from "node:fs";

/** CPU ms per thread name (/proc/<pid>/task/*). */
function threadCpu(pid: number | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!pid) return out;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) + (tid === String(pid) ? " (main)" : "");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      // thread gone
    }
  }
  return out;
}

/** user and system CPU ms of a process (/proc/<pid>/stat, 10 ms ticks). */
function cpuSplit(pid: number | null): [number, number] {
  if (!pid) return [0, 0];
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [Number(f[11]) * 10, Number(f[12]) * 10];
}

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const entries = (arg("entries") ?? "").split(",").filter(Boolean);
const opNames = (arg("ops") ?? "get_card").split(",");
const n = Number(arg("n") ?? 600);
const warmup = Number(arg("warmup") ?? 50);
const withPeer = process.argv.includes("--peer");
/** --fresh=k: k fresh children per entry (alternated), 100 sequential get_card each from connect on, no warm-up. */
const fresh = Number(arg("fresh") ?? 0);
/** --cpu-prof: each MCP child writes a profile to bench-results/prof/ (see bench/cpuprofile-summary.ts). */
const childArgs = process.argv.includes("--cpu-prof") ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench-results/prof")}`] : [];
if (entries.length < 1) {
  console.error("usage: node --import tsx bench/mcp-ab.ts --entries=packages/cli/node_modules/.ab/base/cli.js,packages/cli/dist/cli.js [--ops=get_card] [--n=600] [--peer] [--threads] [--cpu-prof] [--fresh=6]");
  process.exit(2);
}

/**
 * What a session sees from its start: the first call right after `initialize`, and p50/p99/max
 * over 100 sequential calls, next to a REST call on a new connection from this warm process.
 */
async function freshSessions(gatewayUrl: string, token: string, restOp: Parameters<typeof callOp>[1]): Promise<void> {
  const rows: Record<string, { first: number[]; p50: number[]; p99: number[]; max: number[] }> = {};
  const row = (name: string) => (rows[name] ??= { first: [], p50: [], p99: [], max: [] });
  for (let i = 0; i < 50; i++) await callOp(gatewayUrl, restOp, i);
  for (let r = 0; r < fresh; r++) {
    for (const [k, entry] of entries.entries()) {
      const t = performance.now();
      await callOp(gatewayUrl, restOp, r, 1000 + r * entries.length + k); // a new Agent: a new connection
      row("REST, new connection").first.push(performance.now() - t);
      const child = await connectStdio(process.execPath, [...childArgs, join(ROOT, entry), "mcp"], mcpEnv(gatewayUrl, token));
      const get = mcpOps(sandbox, child).find((o) => o.op === "get_card")!.call!;
      const times: number[] = [];
      for (let i = 0; i < 100; i++) {
        const t0 = performance.now();
        await get(i);
        times.push(performance.now() - t0);
      }
      await child.close();
      const s = summarise(times);
      const w = row(entry);
      w.first.push(times[0]!);
      w.p50.push(s.p50);
      w.p99.push(s.p99);
      w.max.push(s.max);
    }
  }
  const med = (xs: number[]) => (xs.length ? summarise(xs).p50.toFixed(1) : "—");
  console.log(`\nfresh sessions: ${fresh} per entry, 100 sequential get_card each (medians over the sessions)`);
  console.log("| way | first call ms | p50 ms | p99 ms | max ms |");
  console.log("|---|---|---|---|---|");
  for (const [name, w] of Object.entries(rows)) console.log(`| ${name} | ${med(w.first)} | ${med(w.p50)} | ${med(w.p99)} | ${med(w.max)} |`);
}

const started = await startTsServer<Omit<SandboxInfo, "pid" | "child">>(join(ROOT, "bench/servers/sandbox.ts"), { TASKER_SANDBOX_RATE_LIMIT_PER_MIN: "1000000" });
track(started.child); // else the sandbox outlives the run
const sandbox: SandboxInfo = { ...started.info, pid: started.child.pid!, child: started.child };
const children: StdioServer[] = [];
try {
  const built = await prepareGatewayEntry(console.error);
  if (built) useGatewayEntry(built);
  const db = await freshPostgres({ migrate: false });
  const g = await startGateway({ label: "mcp-ab", taskerUrl: sandbox.url, taskerKey: sandbox.keys.service!, databaseUrl: db.url });
  const cred = await createBenchAgent(g.url, g.jwtSecret, sandbox);
  const rest = gatewayOps(sandbox, g.url, cred.token, "mcpab-rest");
  const ways: Array<{ name: string; pid: number | null; call: (op: string, i: number) => Promise<unknown> }> = [];
  ways.push({ name: "REST", pid: null, call: (op, i) => callOp(g.url, rest.find((o) => o.op === op)!.http!.op, i) });
  for (const entry of entries) {
    const child = await connectStdio(process.execPath, [...childArgs, join(ROOT, entry), "mcp"], mcpEnv(g.url, cred.token));
    children.push(child);
    const ops = mcpOps(sandbox, child);
    ways.push({ name: entry, pid: child.pid, call: (op, i) => ops.find((o) => o.op === op)!.call!(i) as Promise<unknown> });
  }
  if (withPeer) {
    const peer = await startPeer(sandbox);
    children.push(peer);
    const ops = peerOps(sandbox, peer);
    ways.push({ name: "peer", pid: peer.pid, call: (op, i) => ops.find((o) => o.op === op)!.call!(i) as Promise<unknown> });
  }
  if (fresh) await freshSessions(g.url, cred.token, rest.find((o) => o.op === "get_card")!.http!.op);
  for (const op of opNames) {
    const times: number[][] = ways.map(() => []);
    const cpu = ways.map(() => 0);
    for (let i = 0; i < warmup; i++) for (const w of ways) await w.call(op, 9_000_000 + i);
    const before = ways.map((w) => cpuMsOf(w.pid) ?? 0);
    const splitBefore = ways.map((w) => cpuSplit(w.pid));
    const threadsBefore = ways.map((w) => threadCpu(w.pid));
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < ways.length; k++) {
        const idx = (k + i) % ways.length;
        const t = performance.now();
        await ways[idx]!.call(op, i);
        times[idx]!.push(performance.now() - t);
      }
    }
    ways.forEach((w, k) => (cpu[k] = ((cpuMsOf(w.pid) ?? 0) - before[k]!) / n));
    const split = ways.map((w, k) => cpuSplit(w.pid).map((v, j) => ((v - splitBefore[k]![j]!) / n).toFixed(3)).join(" + "));
    if (process.argv.includes("--threads"))
      ways.forEach((w, k) => {
        if (!w.pid) return;
        const now = threadCpu(w.pid);
        console.log(`${w.name} threads, ms/call: ${Object.entries(now).map(([t, v]) => `${t} ${((v - (threadsBefore[k]![t] ?? 0)) / n).toFixed(3)}`).join(", ")}`);
      });
    const restP50 = summarise(times[0]!).p50;
    console.log(`\n${op}, n=${n} interleaved (warm-up ${warmup})`);
    console.log("| way | p50 ms | p99 ms | max ms | calls > 20 ms | child CPU ms/call (user + system) | p50 − REST |");
    console.log("|---|---|---|---|---|---|---|");
    ways.forEach((w, k) => {
      const s = summarise(times[k]!);
      const slow = times[k]!.filter((x) => x > 20).length;
      console.log(`| ${w.name} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.max.toFixed(1)} | ${slow} | ${w.pid ? `${cpu[k]!.toFixed(3)} (${split[k]})` : "—"} | ${k ? (s.p50 - restP50).toFixed(2) : "—"} |`);
    });
  }
  for (const c of children) await c.close().catch(() => {});
  await g.stop();
  await db.close();
} finally {
  killAllNow();
}
process.exit(0);
