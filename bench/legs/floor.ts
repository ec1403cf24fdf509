/**
 * The gateway against the reference floor (bench/servers/floor.ts), in one run, behind the
 * same sandbox, each on its own fresh Postgres database (DESIGN §12: the yardstick). Used by
 * `pnpm bench` (the gateway leg) and by `bench/ab.ts` (two builds + the floor).
 *
 * Per op, for every contender:
 *  - p50 at one caller: calls interleaved one by one, the starting contender rotating, so
 *    drift of this shared machine hits all alike;
 *  - calls/s and server CPU per call with 64 in flight: autocannon for `seconds`, contenders
 *    alternating in `rounds` rounds (a, b, b, a, …); CPU = the server process's CPU time
 *    (lib/proc.ts cpuMsOf: all its threads, GC and the libuv pool included) from the start of
 *    its run until it is idle again (so work queued by the run — batched audit inserts —
 *    counts), divided by the calls answered 2xx.
 */
import type { ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Bench, SandboxInfo } from "../lib/context.ts";
import { track } from "../lib/children.ts";
import { freshPostgres } from "../lib/database.ts";
import { callOp, loadOp, type HttpOp } from "../lib/http.ts";
import { ROOT } from "../lib/paths.ts";
import { cpuMsOf, startTsServer } from "../lib/proc.ts";
import { summarise, type LatencySummary } from "../lib/stats.ts";
import { TARGETS } from "../lib/targets.ts";
import { OPS, settle, type OpName, type WayOp } from "../lib/way.ts";
import { gatewayOps } from "./gateway-rest.ts";

export const FLOOR_SECTION = "Gateway vs the reference floor (same run)";
const WRITES: ReadonlySet<string> = new Set(["create_card", "add_comment"]);

export interface Contender {
  label: string;
  url: string;
  pid: number;
  op(name: string): HttpOp | undefined;
}

export interface ContenderFigures {
  label: string;
  latency: LatencySummary;
  callsPerSec: number;
  cpuMsPerCall: number;
  calls: number;
  failed: number;
}

export interface CompareOptions {
  latency: { count: number; warmup: number };
  load: { seconds: number; amount?: number; concurrency: number; rounds: number };
}

export interface FloorProcess extends Contender {
  child: ChildProcess;
  close(): Promise<void>;
}

/** The floor on a fresh database of the real Postgres, pointed at the sandbox. */
export async function startFloor(s: SandboxInfo): Promise<FloorProcess> {
  const db = await freshPostgres({ migrate: false });
  try {
    const floor = await startTsServer<{ url: string }>(join(ROOT, "bench/servers/floor.ts"), {
      FLOOR_DATABASE_URL: db.url,
      FLOOR_TASKER_URL: s.url,
      FLOOR_TASKER_KEY: s.keys.service!,
      FLOOR_SLUG: s.workspaceSlug,
    });
    track(floor.child);
    const ops = gatewayOps(s, floor.info.url, "floor", "floor");
    return {
      label: "floor",
      url: floor.info.url,
      pid: floor.child.pid!,
      child: floor.child,
      op: (name) => ops.find((o) => o.op === name)?.http?.op,
      close: async () => {
        await floor.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}

export async function compareOp(contenders: Contender[], name: string, opts: CompareOptions, seq: { next: number }): Promise<ContenderFigures[]> {
  const ops = contenders.map((c) => {
    const op = c.op(name);
    if (!op) throw new Error(`${c.label} has no ${name}`);
    return op;
  });
  const times: number[][] = contenders.map(() => []);
  const n = opts.latency.count + opts.latency.warmup;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < contenders.length; k++) {
      const idx = (k + i) % contenders.length;
      const t = performance.now();
      await callOp(contenders[idx]!.url, ops[idx]!, seq.next++);
      if (i >= opts.latency.warmup) times[idx]!.push(performance.now() - t);
    }
  }
  const rate = contenders.map(() => ({ calls: 0, seconds: 0, cpuMs: 0, failed: 0 }));
  for (let round = 0; round < opts.load.rounds; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const idx = round % 2 === 0 ? k : contenders.length - 1 - k;
      const c = contenders[idx]!;
      await settle([c.pid]);
      const before = cpuMsOf(c.pid) ?? Number.NaN;
      const load = await loadOp(c.url, ops[idx]!, opts.load.concurrency, opts.load);
      await settle([c.pid]);
      const r = rate[idx]!;
      r.cpuMs += (cpuMsOf(c.pid) ?? Number.NaN) - before;
      r.calls += load.ok;
      r.seconds += load.seconds;
      r.failed += load.failed;
    }
  }
  return contenders.map((c, k) => ({
    label: c.label,
    latency: summarise(times[k]!),
    callsPerSec: rate[k]!.calls / rate[k]!.seconds,
    cpuMsPerCall: rate[k]!.calls ? rate[k]!.cpuMs / rate[k]!.calls : Number.NaN,
    calls: rate[k]!.calls,
    failed: rate[k]!.failed,
  }));
}

/** The rows of one op: ours ÷ floor for CPU and calls/s, ours − floor for p50. */
export function floorRows(b: Bench, op: string, ours: ContenderFigures, floor: ContenderFigures, concurrency: number): void {
  const r = b.results;
  const label = "floor (same run)";
  const failed = ours.failed + floor.failed ? `; non-2xx/errors ${ours.failed} ours, ${floor.failed} floor` : "";
  r.add(FLOOR_SECTION, `${op}: server CPU per call, ${concurrency} in flight`, ours.cpuMsPerCall / floor.cpuMsPerCall, "×", {
    target: TARGETS.floorCpu,
    compare: { ours: ours.cpuMsPerCall, reference: floor.cpuMsPerCall, unit: "ms", label },
    note: `over ${ours.calls} / ${floor.calls} calls${failed}`,
  });
  r.add(FLOOR_SECTION, `${op}: calls/s, ${concurrency} in flight`, ours.callsPerSec / floor.callsPerSec, "×", {
    target: TARGETS.floorRate,
    compare: { ours: ours.callsPerSec, reference: floor.callsPerSec, unit: "/s", label },
  });
  r.add(FLOOR_SECTION, `${op}: p50, one caller`, ours.latency.p50 - floor.latency.p50, "ms", {
    target: WRITES.has(op) ? TARGETS.floorP50Write : TARGETS.floorP50Read,
    compare: { ours: ours.latency.p50, reference: floor.latency.p50, unit: "ms", label },
    note: `p95 ${ours.latency.p95.toFixed(2)} vs ${floor.latency.p95.toFixed(2)} ms, interleaved call by call (n=${ours.latency.n})`,
  });
}

/** `pnpm bench`: the running gateway (Postgres) against a floor started for it. */
export async function floorLeg(b: Bench, s: SandboxInfo, gateway: { url: string; pid: number }, gatewayWayOps: WayOp[]): Promise<void> {
  const floor = await startFloor(s);
  const top = Math.max(...b.profile.load.concurrencies, 64);
  const opts: CompareOptions = b.profile.smoke
    ? { latency: { count: 5, warmup: 1 }, load: { seconds: 1, amount: 64, concurrency: top, rounds: 1 } }
    : { latency: { count: 400, warmup: 40 }, load: { seconds: 3, concurrency: top, rounds: 2 } };
  const ours: Contender = { label: "gateway", url: gateway.url, pid: gateway.pid, op: (name) => gatewayWayOps.find((o) => o.op === name)?.http?.op };
  const seq = { next: 30_000_000 };
  const kept: Record<string, ContenderFigures[]> = {};
  try {
    for (const op of OPS as readonly OpName[]) {
      try {
        const [g, f] = await compareOp([ours, floor], op, opts, seq);
        kept[op] = [g!, f!];
        floorRows(b, op, g!, f!, top);
        b.log(`  floor ${op}: CPU ${g!.cpuMsPerCall.toFixed(2)} vs ${f!.cpuMsPerCall.toFixed(2)} ms, ${g!.callsPerSec.toFixed(0)} vs ${f!.callsPerSec.toFixed(0)}/s, p50 ${g!.latency.p50.toFixed(2)} vs ${f!.latency.p50.toFixed(2)} ms`);
      } catch (error) {
        const why = `n/a: ${error instanceof Error ? error.message.slice(0, 160) : String(error)}`;
        for (const m of [`${op}: server CPU per call, ${top} in flight`, `${op}: calls/s, ${top} in flight`, `${op}: p50, one caller`]) b.results.na(FLOOR_SECTION, m, why);
        b.log(`  floor ${op}: ${why}`);
      }
    }
  } finally {
    b.results.keep("floor", kept);
    await floor.close();
  }
}
