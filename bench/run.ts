/**
 * `pnpm bench [--smoke] [--only=a,b]`: DESIGN §12 measured side by side in one run on
 * loopback. Each leg is independent: a missing piece becomes an "n/a: <reason>" row.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import os from "node:os";
import type { Bench, SandboxInfo } from "./lib/context.ts";
import { killAllNow, stopAll, track } from "./lib/children.ts";
import { destroyAgents } from "./lib/http.ts";
import { fileExists, ROOT } from "./lib/paths.ts";
import { ask, memoryOf, startTsServer } from "./lib/proc.ts";
import { FULL, SMOKE } from "./lib/profile.ts";
import { cpuTable, latencyTable, loadTable, rowsTable, targetsTable, viaTable, type WayColumn } from "./lib/report.ts";
import { errorText, Results } from "./lib/results.ts";
import { measureWay, withCpu } from "./lib/way.ts";
import { coldStart, nodeStartFloor } from "./legs/cold-start.ts";
import { directOps } from "./legs/direct.ts";
import { measurePackage } from "./legs/package-size.ts";
import { ensureCliBuilt } from "./lib/cli-build.ts";
import { PEER_ENTRY, peerEnv, peerOps, startPeer } from "./legs/peer.ts";
import { runGatewayLegs } from "./legs/gateway-legs.ts";
import { roundsLeg } from "./legs/rounds.ts";
import { DEPLOYED_NODE_OPTIONS } from "./lib/gateway-process.ts";
import { runMicro } from "./legs/micro.ts";
import { runScale } from "./legs/scale.ts";
import { runSealing } from "./legs/sealing.ts";
import { derive } from "./lib/derive.ts";

const argv = process.argv.slice(2);
const smoke = argv.includes("--smoke");
const only = argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
const want = (leg: string) => !only || only.includes(leg);
const profile = smoke ? SMOKE : FULL;
const started = Date.now();
const loadAtStart = os.loadavg().map((x) => x.toFixed(1)).join(" ");
// generous: the machine is shared, and a loaded one runs every leg 2–3× slower
const budgetMs = smoke ? 240_000 : 30 * 60_000;

const results = new Results();
const profArgs = argv.includes("--cpu-prof") ? ["--cpu-prof", `--cpu-prof-dir=${join(ROOT, "bench-results/prof")}`] : [];
const b: Bench = { profile, results, log: (s) => console.error(s), profArgs };
const ways: Record<string, WayColumn> = {
  direct: { key: "direct", title: "(1) direct sandbox" },
  gatewayPg: { key: "gatewayPg", title: "(2) gateway, Postgres" },
  gatewayPglite: { key: "gatewayPglite", title: "(2b) gateway, PGlite" },
  mcp: { key: "mcp", title: "(3) MCP stdio → gateway PG" },
  peer: { key: "peer", title: "(4) plane-mcp-server 0.1.5" },
};

async function leg(name: string, fn: () => Promise<void>): Promise<void> {
  if (!want(name)) return;
  const t = Date.now();
  b.log(`▶ ${name}`);
  try {
    await fn();
  } catch (error) {
    results.na("legs", name, `n/a: ${errorText(error)}`);
    b.log(`  ${name} failed: ${errorText(error)}`);
  }
  b.log(`  (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

function report(): string {
  const cols = Object.values(ways);
  const parts = [
    `# pnpm bench${smoke ? " --smoke (tiny counts: proves every leg runs; figures are not meaningful)" : ""}`,
    `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${new Date().toISOString()}; load average at start ${loadAtStart}, at end ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`,
    `gateway: ${String(results.raw.gatewayEntry ?? "not started")}, on Postgres with NODE_OPTIONS="${DEPLOYED_NODE_OPTIONS}" as in the Dockerfile; Postgres ${String((results.raw.micro as { server?: { v?: string } } | undefined)?.server?.v ?? "?")}`,
    "",
    viaTable(cols),
    "",
    latencyTable(cols),
    "",
    loadTable(cols, profile.load.concurrencies),
    "",
    cpuTable(cols),
    rowsTable(results.rows),
    "",
    "## Every target, in one table",
    targetsTable(results.rows),
  ];
  return parts.join("\n");
}

function writeJson(): string {
  const dir = join(ROOT, "bench-results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}${smoke ? "-smoke" : ""}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { smoke, loadAtStart, loadAtEnd: os.loadavg(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, started: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, profile, ways, rows: results.rows, raw: results.raw },
      null,
      2,
    ),
  );
  return file;
}

const watchdog = setTimeout(() => {
  console.error(`bench exceeded its ${budgetMs / 1000} s budget; stopping`);
  console.log(report());
  killAllNow();
  process.exit(1);
}, budgetMs);
watchdog.unref();
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    killAllNow();
    process.exit(130);
  });
}

async function main(): Promise<void> {
  await ensureCliBuilt(b.log).catch((error: unknown) => b.log(`  could not build the CLI: ${errorText(error)}`));
  await leg("package", () => measurePackage(b));
  await leg("node-floor", async () => {
    const floor = await nodeStartFloor(profile.coldStarts);
    results.add("Cold start and memory", "floor: bare `node -e` spawn → first stdout byte (median)", floor, "ms", { note: "what any Node process costs to start on this machine" });
  });

  let sandbox: SandboxInfo | undefined;
  await leg("sandbox", async () => {
    const s = await startTsServer<Omit<SandboxInfo, "pid" | "child">>(join(ROOT, "bench/servers/sandbox.ts"), { TASKER_SANDBOX_RATE_LIMIT_PER_MIN: "1000000" });
    track(s.child);
    sandbox = { ...s.info, pid: s.child.pid!, child: s.child };
    b.sandbox = sandbox;
    b.log(`  sandbox ${sandbox.url} (pid ${sandbox.pid})`);
  });
  if (!sandbox) {
    for (const w of Object.values(ways)) w.na = "sandbox did not start";
  }

  if (sandbox) {
    const s = sandbox;
    await leg("direct", async () => {
      await ask(s.child, { cmd: "reset" });
      ways.direct!.figures = await measureWay("direct", withCpu(directOps(s), { sandbox: s.pid }), profile, b.log);
    });

    await leg("peer", async () => {
      if (!fileExists(PEER_ENTRY)) {
        ways.peer!.na = "@makeplane/plane-mcp-server not installed (pnpm install)";
        return;
      }
      const cs = await coldStart(b, "peer", process.execPath, [PEER_ENTRY], peerEnv(s));
      results.add("Cold start and memory", "peer: spawn → initialize (median)", cs.medianMs, "ms", { note: `@makeplane/plane-mcp-server 0.1.5, n=${cs.samples.length}` });
      const peer = await startPeer(s);
      try {
        await ask(s.child, { cmd: "reset" });
        ways.peer!.figures = await measureWay("peer", withCpu(peerOps(s, peer), { peer: peer.pid, sandbox: s.pid }), profile, b.log);
        const m = memoryOf(peer.pid ?? undefined);
        if (m) results.add("Cold start and memory", "peer: peak RSS after the load", m.hwmMb, "MB");
      } finally {
        await peer.close();
      }
    });

    await leg("gateway", () => runGatewayLegs(b, s, ways));
    await leg("rounds", () => roundsLeg(b, s));
  } else {
    ways.peer!.na = ways.direct!.na = "sandbox did not start";
  }

  await leg("micro", () => runMicro(b));
  await leg("scale", () => runScale(b));
  await leg("sealing", () => runSealing(b));

  if (sandbox) {
    const m = memoryOf(sandbox.pid);
    if (m) results.add("Cold start and memory", "sandbox: peak RSS", m.hwmMb, "MB");
  }
  derive(b, ways);
}

/** What did not run: a way that is missing, an op that failed, a leg that threw, an n/a figure. */
function problems(): string[] {
  const out: string[] = [];
  for (const w of Object.values(ways)) {
    if (w.na) out.push(`${w.title}: ${w.na}`);
    for (const [op, f] of Object.entries(w.figures ?? {})) if (f?.error) out.push(`${w.title} ${op}: ${f.error}`);
  }
  for (const r of results.rows) if (r.value === null) out.push(`${r.section} / ${r.metric}: ${r.na}`);
  return out;
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(`bench failed: ${errorText(error)}`);
  exitCode = 1;
} finally {
  destroyAgents();
  await stopAll();
}
console.log(report());
const file = writeJson();
console.log(`\nJSON: ${file}\n${((Date.now() - started) / 1000).toFixed(0)} s${smoke ? " (smoke: no target enforced)" : ""}`);
const missing = problems();
if (missing.length) {
  console.log(`\n${missing.length} figure(s) not measured:\n${missing.map((m) => `  - ${m}`).join("\n")}`);
  // The smoke is CI's check that every leg still runs: anything missing fails it (unless --only narrowed the run).
  if (smoke && !only) exitCode = 1;
}
clearTimeout(watchdog);
process.exit(exitCode);
