/**
 * One "way" of calling the same four operations (direct, gateway REST, MCP stdio, peer):
 * sequential latency (hrtime per call, sub-millisecond) and calls/s at each concurrency
 * (autocannon for HTTP, parallel in-flight calls on one client for stdio).
 */
import { callOp, loadOp, type HttpOp, type LoadFigure } from "./http.ts";
import type { Profile } from "./profile.ts";
import { cpuMsOf } from "./proc.ts";
import { errorText } from "./results.ts";
import { summarise, throughput, timeSequential, type LatencySummary } from "./stats.ts";

export const OPS = ["get_card", "search_cards", "create_card", "add_comment"] as const;
export type OpName = (typeof OPS)[number];

export interface WayOp {
  op: OpName;
  /** Tool/route actually used, e.g. the peer's `get_issue_using_readable_identifier`. */
  via: string;
  /** HTTP legs: measured with callOp/autocannon. */
  http?: { baseUrl: string; op: HttpOp };
  /** stdio legs: one call, number i. */
  call?: (i: number) => Promise<unknown>;
  /** Set instead of http/call when this way cannot do the op. */
  na?: string;
  /** Server processes whose CPU time per call is reported (e.g. {gateway: pid, sandbox: pid}). */
  cpu?: Record<string, number | null | undefined>;
}

export interface OpFigures {
  via: string;
  latency?: LatencySummary;
  load: Record<number, LoadFigure>;
  /** CPU ms per call of each server process during the sequential latency loop. */
  cpuMsPerCall?: Record<string, number>;
  error?: string;
}

export type WayFigures = Partial<Record<OpName, OpFigures>>;

/**
 * Waits until the server processes are idle (< 3 ms CPU per 250 ms), at most 20 s: a load run
 * against a slow server leaves requests in flight that would otherwise bleed into the next figure.
 */
export async function settle(pids: Array<number | null | undefined>): Promise<void> {
  const live = pids.filter((p): p is number => !!p);
  if (!live.length) return;
  const deadline = Date.now() + 20_000;
  let last = live.map((p) => cpuMsOf(p) ?? 0);
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = live.map((p) => cpuMsOf(p) ?? 0);
    const busy = Math.max(...now.map((v, i) => v - last[i]!));
    last = now;
    if (busy < 3) return;
  }
}

export async function measureWay(label: string, ops: WayOp[], profile: Profile, log: (s: string) => void): Promise<WayFigures> {
  const out: WayFigures = {};
  for (const w of ops) {
    const fig: OpFigures = { via: w.via, load: {} };
    out[w.op] = fig;
    if (w.na) {
      fig.error = w.na;
      continue;
    }
    const one = w.http ? (i: number) => callOp(w.http!.baseUrl, w.http!.op, i) : w.call!;
    try {
      for (let i = 0; i < profile.latency.warmup; i++) await one(-1 - i);
      const before = Object.fromEntries(Object.entries(w.cpu ?? {}).map(([k, pid]) => [k, cpuMsOf(pid)]));
      const samples = await timeSequential(one, { ...profile.latency, warmup: 0 });
      fig.latency = summarise(samples);
      if (w.cpu) {
        fig.cpuMsPerCall = {};
        for (const [k, pid] of Object.entries(w.cpu)) {
          const a = before[k];
          const z = cpuMsOf(pid);
          if (a !== null && a !== undefined && z !== null) fig.cpuMsPerCall[k] = (z - a) / samples.length;
        }
      }
      for (const c of profile.load.concurrencies) {
        if (w.http) {
          fig.load[c] = await loadOp(w.http.baseUrl, w.http.op, c, profile.load);
          await settle(Object.values(w.cpu ?? {}));
        } else {
          const r = await throughput((i) => w.call!(1_000_000 + c * 100_000 + i), {
            concurrency: c,
            durationMs: profile.load.seconds * 1000,
            maxCalls: profile.load.amount ?? 1_000_000,
          });
          fig.load[c] = { concurrency: c, callsPerSec: r.callsPerSec, ok: r.completed, failed: r.errors, seconds: r.elapsedMs / 1000 };
        }
      }
      const l = fig.latency;
      const loads = profile.load.concurrencies.map((c) => `c${c}=${fig.load[c]!.callsPerSec.toFixed(0)}/s${fig.load[c]!.failed ? `(${fig.load[c]!.failed} failed)` : ""}`).join(" ");
      const cpu = fig.cpuMsPerCall ? " cpu/call " + Object.entries(fig.cpuMsPerCall).map(([k, v]) => `${k}=${v.toFixed(2)}ms`).join(" ") : "";
      log(`  ${label} ${w.op}: p50 ${l.p50.toFixed(2)} ms p99 ${l.p99.toFixed(2)} ms ${loads}${cpu}`);
    } catch (error) {
      fig.error = `failed: ${errorText(error)}`;
      log(`  ${label} ${w.op}: ${fig.error}`);
    }
  }
  return out;
}

export function withCpu(ops: WayOp[], cpu: Record<string, number | null | undefined>): WayOp[] {
  return ops.map((o) => ({ ...o, cpu }));
}
