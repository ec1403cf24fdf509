/**
 * `node --import tsx bench/ab.ts --entries=<a.js>,<b.js> [--ops=get_card,…] [--n=1500]`:
 * two (or more) gateway builds side by side in ONE run, each on its own fresh Postgres
 * database behind the same Tasker sandbox, so a change is judged against its baseline
 * under the same machine noise; the reference floor (bench/servers/floor.ts) runs in the
 * same rounds and every build's figures are also given as a ratio to it. Per op
 * (legs/floor.ts compareOp): p50/p95 of the contenders' calls interleaved one by one (n after
 * 100 warm-up rounds), then 64 callers for 5 s per contender in two alternating rounds, with
 * each server's CPU per call over them. Entries are bundles run with node (cwd
 * packages/gateway), e.g. a baseline built in a git worktree — docs/PERFORMANCE.md shows the
 * commands. Each runs as `pnpm bench` runs the gateway, with the Dockerfile's NODE_OPTIONS.
 */
import { join } from "node:path";
import { startTsServer } from "./lib/proc.ts";
import { ROOT } from "./lib/paths.ts";
import { freshPostgres } from "./lib/database.ts";
import { startGateway, useGatewayEntry } from "./lib/gateway-process.ts";
import { createBenchAgent } from "./legs/gateway-setup.ts";
import { gatewayOps } from "./legs/gateway-rest.ts";
import { compareOp, startFloor, type Contender } from "./legs/floor.ts";
import { killAllNow, track } from "./lib/children.ts";
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
const sandbox: SandboxInfo = { ...started.info, pid: track(started.child).pid!, child: started.child };
const contenders: Array<Contender & { close(): Promise<void> }> = [];
try {
  for (const entry of entries) {
    useGatewayEntry({ args: [entry], label: entry });
    const db = await freshPostgres({ migrate: false });
    const g = await startGateway({ label: `ab-${contenders.length}`, taskerUrl: sandbox.url, taskerKey: sandbox.keys.service!, databaseUrl: db.url });
    const cred = await createBenchAgent(g.url, g.jwtSecret, sandbox);
    const ops = gatewayOps(sandbox, g.url, cred.token, `ab${contenders.length}`);
    contenders.push({
      label: entry,
      url: g.url,
      pid: g.pid,
      op: (name) => ops.find((o) => o.op === name)?.http?.op,
      close: async () => {
        await g.stop();
        await db.close();
      },
    });
  }
  contenders.push(await startFloor(sandbox));
  const floorIdx = contenders.length - 1;
  console.log(`| op | ${contenders.map((b) => `${b.label}: p50 / p95 ms, calls/s at 64, CPU ms/call at 64`).join(" | ")} |`);
  console.log(`|---|${contenders.map(() => "---").join("|")}|`);
  const seq = { next: 0 };
  for (const name of opNames) {
    const figures = await compareOp(contenders, name, { latency: { count: n, warmup: 100 }, load: { seconds: 5, concurrency: 64, rounds: 2 } }, seq);
    const f0 = figures[floorIdx]!;
    const cells = figures.map((f, k) => {
      const own = `${f.latency.p50.toFixed(2)} / ${f.latency.p95.toFixed(1)}, ${f.callsPerSec.toFixed(0)}/s, ${f.cpuMsPerCall.toFixed(2)}`;
      if (k === floorIdx) return own;
      return `${own} (floor: CPU ${(f.cpuMsPerCall / f0.cpuMsPerCall).toFixed(2)}×, calls/s ${(f.callsPerSec / f0.callsPerSec).toFixed(2)}×, p50 ${f.latency.p50 >= f0.latency.p50 ? "+" : "−"}${Math.abs(f.latency.p50 - f0.latency.p50).toFixed(2)} ms)`;
    });
    console.log(`| ${name} | ${cells.join(" | ")} |`);
  }
} finally {
  for (const c of contenders) await c.close().catch(() => {});
  killAllNow();
}
process.exit(0);
