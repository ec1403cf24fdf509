/**
 * `node --import tsx bench/ab.ts --entries=<a.js>,<b.js> [--ops=get_card,…] [--n=1500]`:
 * two (or more) gateway builds side by side in ONE run, each on its own fresh Postgres
 * database behind the same Tasker sandbox, so a change is judged against its baseline
 * under the same machine noise. Latency: the builds' calls interleaved one by one at one
 * caller (p50/p95 after 100 warm-up rounds). Throughput: 64 callers for 5 s per build, in
 * two alternating rounds, with each server's CPU per call over them. Entries are bundles run
 * with node (cwd packages/gateway), e.g. a baseline built in a git worktree —
 * docs/PERFORMANCE.md shows the commands. Each runs as `pnpm bench` runs the gateway, with
 * the Dockerfile's NODE_OPTIONS. The reference floor (bench/servers/floor.ts) runs in the
 * same rounds, and every build's figures are also given as a ratio to it.
 */
import { join } from "node:path";
import { cpuMsOf, startTsServer } from "./lib/proc.ts";
import { ROOT } from "./lib/paths.ts";
import { freshPostgres } from "./lib/database.ts";
import { startGateway, useGatewayEntry } from "./lib/gateway-process.ts";
import { createBenchAgent } from "./legs/gateway-setup.ts";
import { gatewayOps } from "./legs/gateway-rest.ts";
import { callOp, loadOp, type HttpOp } from "./lib/http.ts";
import { killAllNow } from "./lib/children.ts";
import { summarise } from "./lib/stats.ts";
import type { SandboxInfo } from "./lib/context.ts";

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const entries = (arg("entries") ?? "").split(",").filter(Boolean);
const opNames = (arg("ops") ?? "get_card,search_cards,create_card,add_comment").split(",");
const n = Number(arg("n") ?? 1500);
if (entries.length < 2) {
  console.error("usage: node --import tsx bench/ab.ts --entries=dist-old/main.js,dist/main.js [--ops=get_card,create_card] [--n=1500]");
  process.exit(2);
}

const started = await startTsServer<Omit<SandboxInfo, "pid" | "child">>(join(ROOT, "bench/servers/sandbox.ts"), { TASKER_SANDBOX_RATE_LIMIT_PER_MIN: "1000000" });
const sandbox: SandboxInfo = { ...started.info, pid: started.child.pid!, child: started.child };
interface Build { entry: string; url: string; pid: number; close(): Promise<void>; op(name: string): HttpOp }
const builds: Build[] = [];
try {
  for (const entry of entries) {
    useGatewayEntry({ args: [entry], label: entry });
    const db = await freshPostgres({ migrate: false });
    const g = await startGateway({ label: `ab-${builds.length}`, taskerUrl: sandbox.url, taskerKey: sandbox.keys.service!, databaseUrl: db.url });
    const cred = await createBenchAgent(g.url, g.jwtSecret, sandbox);
    const ops = gatewayOps(sandbox, g.url, cred.token, `ab${builds.length}`);
    builds.push({
      entry,
      url: g.url,
      pid: g.pid,
      close: async () => {
        await g.stop();
        await db.close();
      },
      op: (name) => ops.find((o) => o.http!.op.name === name)!.http!.op,
    });
  }
  {
    const db = await freshPostgres({ migrate: false });
    const floor = await startTsServer<{ url: string }>(join(ROOT, "bench/servers/floor.ts"), {
      FLOOR_DATABASE_URL: db.url,
      FLOOR_TASKER_URL: sandbox.url,
      FLOOR_TASKER_KEY: sandbox.keys.service!,
      FLOOR_SLUG: sandbox.workspaceSlug,
    });
    const ops = gatewayOps(sandbox, floor.info.url, "floor", "floor");
    builds.push({
      entry: "floor",
      url: floor.info.url,
      pid: floor.child.pid!,
      close: async () => {
        await floor.stop();
        await db.close();
      },
      op: (name) => ops.find((o) => o.http!.op.name === name)!.http!.op,
    });
  }
  const floorIdx = builds.length - 1;
  console.log(`| op | ${builds.map((b) => `${b.entry}: p50 / p95 ms, calls/s at 64, CPU ms/call at 64`).join(" | ")} |`);
  console.log(`|---|${builds.map(() => "---").join("|")}|`);
  for (const name of opNames) {
    const times: number[][] = builds.map(() => []);
    for (let i = 0; i < n + 100; i++) {
      for (let k = 0; k < builds.length; k++) {
        const idx = (k + i) % builds.length;
        const b = builds[idx]!;
        const t = performance.now();
        await callOp(b.url, b.op(name), i);
        if (i >= 100) times[idx]!.push(performance.now() - t);
      }
    }
    const rates: number[][] = builds.map(() => []);
    const cpu = builds.map(() => ({ ms: 0, calls: 0 }));
    for (let round = 0; round < 2; round++) {
      for (let k = 0; k < builds.length; k++) {
        const idx = round % 2 === 0 ? k : builds.length - 1 - k;
        const b = builds[idx]!;
        const before = cpuMsOf(b.pid) ?? 0;
        const load = await loadOp(b.url, b.op(name), 64, { seconds: 5 });
        cpu[idx]!.ms += (cpuMsOf(b.pid) ?? 0) - before;
        cpu[idx]!.calls += load.ok;
        rates[idx]!.push(load.callsPerSec);
      }
    }
    const figures = builds.map((_, k) => ({
      s: summarise(times[k]!),
      rate: rates[k]!.reduce((a, x) => a + x, 0) / rates[k]!.length,
      cpuPerCall: cpu[k]!.calls ? cpu[k]!.ms / cpu[k]!.calls : NaN,
    }));
    const f0 = figures[floorIdx]!;
    const cells = figures.map((f, k) => {
      const own = `${f.s.p50.toFixed(2)} / ${f.s.p95.toFixed(1)}, ${f.rate.toFixed(0)}/s, ${f.cpuPerCall.toFixed(2)}`;
      if (k === floorIdx) return own;
      return `${own} (floor: CPU ${(f.cpuPerCall / f0.cpuPerCall).toFixed(2)}×, calls/s ${(f.rate / f0.rate).toFixed(2)}×, p50 +${(f.s.p50 - f0.s.p50).toFixed(2)} ms)`;
    });
    console.log(`| ${name} | ${cells.join(" | ")} |`);
  }
} finally {
  for (const b of builds) await b.close().catch(() => {});
  killAllNow();
}
process.exit(0);
