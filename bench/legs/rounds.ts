/**
 * Tasker rounds behind one tool call, seen by a recording proxy between the gateway and the
 * sandbox, with the sandbox's latency fault holding every request LATENCY_MS (why that is
 * what makes the detection honest: lib/rounds.ts). Its own gateway process on its own
 * database, behind the proxy, so "cold" means what it says:
 *  - cold: the first get_card of a gateway process that has cached nothing (its agent was
 *    created by an earlier process on the same database, with the same secrets);
 *  - warm: get_card by UUID, by identifier, search_cards, and the two writes for reference;
 *  - full run only: steady traffic across the metadata expiry (refresh ahead: no extra round
 *    on the request path) and a get_card after the gateway sat idle past the expiry.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Bench, SandboxInfo } from "../lib/context.ts";
import { benchInputs } from "../lib/context.ts";
import { freshPostgres } from "../lib/database.ts";
import { callOp, type HttpOp } from "../lib/http.ts";
import { startGateway, type GatewayProcess } from "../lib/gateway-process.ts";
import { ask, startTsServer } from "../lib/proc.ts";
import { track } from "../lib/children.ts";
import { ROOT } from "../lib/paths.ts";
import type { RecordedCall } from "../servers/sandbox.ts";
import { describeRounds, roundsOf, timeline } from "../lib/rounds.ts";
import { errorText } from "../lib/results.ts";
import { percentile } from "../lib/stats.ts";
import { TARGETS } from "../lib/targets.ts";
import type { Target } from "../lib/results.ts";
import { createBenchAgent } from "./gateway-setup.ts";
import { gatewayOps } from "./gateway-rest.ts";

export const ROUNDS_SECTION = "Tasker rounds behind one tool call (10 ms per Tasker request, seen by a recording proxy)";
export const LATENCY_MS = 10;
/** The gateway's project metadata TTL (packages/gateway/src/tasker/adapter.ts, `metadataTtlMs` default). */
export const METADATA_TTL_MS = 30_000;

export interface CallRecord {
  calls: RecordedCall[];
  rounds: RecordedCall[][];
  wallMs: number;
}

/** One call with the proxy recording: only the requests that arrived after recording began and were answered by the time the call returned. */
export async function recordCall(proxy: ChildProcess, fn: () => Promise<unknown>): Promise<CallRecord> {
  const { now: since } = await ask<{ now: number }>(proxy, { cmd: "record", on: true });
  const t = performance.now();
  await fn();
  const wallMs = performance.now() - t;
  const { calls } = await ask<{ calls: RecordedCall[] }>(proxy, { cmd: "recorded" });
  const mine = calls.filter((c) => c.t0 >= since);
  return { calls: mine, rounds: roundsOf(mine), wallMs };
}

/** Waits until the sandbox saw no request for 300 ms (a load run's stragglers, a refresh). */
async function quiet(proxy: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await ask(proxy, { cmd: "record", on: true });
    await new Promise((r) => setTimeout(r, 300));
    const { calls } = await ask<{ calls: RecordedCall[] }>(proxy, { cmd: "recorded" });
    if (calls.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the sandbox did not go quiet (${calls.length} requests in 300 ms)`);
  }
}

/** Steady state: the try with the fewest requests (a refresh that happens to fall into one try does not count). */
async function warmRecord(proxy: ChildProcess, fn: () => Promise<unknown>, tries: number): Promise<CallRecord> {
  await fn();
  await quiet(proxy);
  let best: CallRecord | null = null;
  for (let i = 0; i < tries; i++) {
    const r = await recordCall(proxy, fn);
    if (!best || fewer(r, best)) best = r;
  }
  return best!;
}

function report(b: Bench, what: string, r: CallRecord, target: Target | undefined, kept: Record<string, unknown>, tries: number): void {
  b.results.add(ROUNDS_SECTION, `${what}: rounds`, r.rounds.length, "", {
    ...(target ? { target } : {}),
    note: `${r.calls.length} requests: ${describeRounds(r.rounds) || "none"}; the call took ${r.wallMs.toFixed(1)} ms at ${LATENCY_MS} ms per request${tries > 1 ? ` (best of ${tries} tries)` : ""}`,
  });
  kept[what] = {
    rounds: r.rounds.length,
    requests: r.calls.length,
    wallMs: r.wallMs,
    described: describeRounds(r.rounds),
    timeline: timeline(r.rounds),
    calls: r.calls.map((c) => ({ method: c.method, path: c.path, t0: c.t0, t1: c.t1 })),
  };
  b.log(`  rounds ${what}: ${r.rounds.length} (${r.calls.length} requests, ${r.wallMs.toFixed(1)} ms)\n${timeline(r.rounds).replace(/^/gm, "    ")}`);
}

/**
 * Fewer requests, then fewer rounds. Noise can only add apparent rounds, never hide one: a
 * request that needed an answer always arrives after it left (t0 > t1), while a descheduled
 * proxy or gateway can make parallel requests look sequential. So the best of several tries
 * is the structure the code has.
 */
function fewer(a: CallRecord, b: CallRecord): boolean {
  return a.calls.length < b.calls.length || (a.calls.length === b.calls.length && a.rounds.length < b.rounds.length);
}

function toolOps(s: SandboxInfo, url: string, token: string) {
  const ops = gatewayOps(s, url, token, "rounds");
  const op = (name: string) => ops.find((o) => o.op === name)!.http!.op;
  const inp = benchInputs(s);
  const byUuid = op("get_card");
  const byIdentifier: HttpOp = { ...byUuid, body: () => JSON.stringify({ arguments: { project_id: inp.readProject.id, card: inp.readCardIdentifier } }) };
  return { byUuid, byIdentifier, search: op("search_cards"), create: op("create_card"), comment: op("add_comment") };
}

let callNumber = 40_000_000;
const callOf = (url: string, o: HttpOp) => () => callOp(url, o, callNumber++);
const firstCall = (url: string, token: string, s: SandboxInfo) => callOf(url, toolOps(s, url, token).byUuid);

async function warmLegs(b: Bench, s: SandboxInfo, p: ChildProcess, g: GatewayProcess, token: string, tries: number, kept: Record<string, unknown>): Promise<void> {
  const o = toolOps(s, g.url, token);
  const call = (x: HttpOp) => callOf(g.url, x);
  const warm = await warmRecord(p, call(o.byUuid), tries);
  report(b, "get_card by UUID, warm", warm, TARGETS.roundsOne, kept, tries);
  report(b, "get_card by identifier, warm", await warmRecord(p, call(o.byIdentifier), tries), TARGETS.roundsTwo, kept, tries);
  report(b, "search_cards, warm", await warmRecord(p, call(o.search), tries), TARGETS.roundsOne, kept, tries);
  report(b, "create_card, warm", await warmRecord(p, call(o.create), tries), undefined, kept, tries);
  report(b, "add_comment, warm", await warmRecord(p, call(o.comment), tries), undefined, kept, tries);
  if (b.profile.smoke) return;
  // Steady traffic across the expiry: with refresh ahead no call pays the reload. A call
  // pays extra only if it made more requests than the warm call (a reload on its path);
  // the same requests in more apparent rounds are scheduling noise (see fewer()).
  const until = Date.now() + METADATA_TTL_MS + 3_000;
  const records: CallRecord[] = [];
  while (Date.now() < until) {
    records.push(await recordCall(p, call(o.byUuid)));
    await new Promise((r) => setTimeout(r, 50));
  }
  const extra = records.map((r) => (r.calls.length > warm.calls.length ? Math.max(0, r.rounds.length - warm.rounds.length) : 0));
  const worst = records[extra.indexOf(Math.max(...extra))]!;
  const walls = records.map((r) => r.wallMs).sort((x, y) => x - y);
  const reloads = records.filter((r) => r.calls.length > warm.calls.length).length;
  b.results.add(ROUNDS_SECTION, `get_card by UUID, steady traffic across the ${METADATA_TTL_MS / 1000} s metadata expiry: extra rounds on the request path (worst call)`, Math.max(...extra), "", {
    target: TARGETS.roundsNoExtra,
    note: `${records.length} calls; ${reloads} made more requests than a warm call, ${extra.filter((x) => x > 0).length} of them in extra rounds; wall p50 ${percentile(walls, 50).toFixed(1)} ms, max ${walls[walls.length - 1]!.toFixed(1)} ms; worst: ${describeRounds(worst.rounds)}`,
  });
  kept["steady traffic across the expiry"] = { calls: records.length, reloads, extra, worst: describeRounds(worst.rounds), timeline: timeline(worst.rounds) };
  // Idle past the expiry, then one call (one try: each costs the TTL).
  await new Promise((r) => setTimeout(r, METADATA_TTL_MS + 1_000));
  report(b, `get_card by UUID, after ${METADATA_TTL_MS / 1000 + 1} s idle (metadata expired)`, await recordCall(p, call(o.byUuid)), TARGETS.roundsTwo, kept, 1);
}

export async function roundsLeg(b: Bench, s: SandboxInfo): Promise<void> {
  const db = await freshPostgres({ migrate: false });
  const env = {
    LAUNCHER_JWT_SECRET: randomBytes(32).toString("hex"),
    TOKEN_PEPPER: randomBytes(32).toString("hex"),
    AUDIT_SIGNING_KEY: randomBytes(32).toString("base64"),
  };
  const kept: Record<string, unknown> = {};
  const proxy = await startTsServer<{ url: string }>(join(ROOT, "bench/servers/recording-proxy.ts"), { PROXY_TARGET: s.url });
  track(proxy.child);
  const p = proxy.child;
  try {
    const first = await startGateway({ label: "rounds-setup", taskerUrl: proxy.info.url, taskerKey: s.keys.service!, databaseUrl: db.url, env });
    let cred: Awaited<ReturnType<typeof createBenchAgent>>;
    try {
      cred = await createBenchAgent(first.url, first.jwtSecret, s, "pnpm bench rounds");
    } finally {
      await first.stop();
    }
    const tries = b.profile.smoke ? 1 : 3;
    await ask(s.child, { cmd: "latency", ms: LATENCY_MS });
    try {
      // Cold: the first call of a fresh process, `tries` processes; the last one stays for the rest.
      let cold: CallRecord | null = null;
      let g: GatewayProcess | null = null;
      for (let k = 0; k < tries; k++) {
        await g?.stop();
        g = await startGateway({ label: "rounds", taskerUrl: proxy.info.url, taskerKey: s.keys.service!, databaseUrl: db.url, env });
        // `/readyz` may have touched Tasker; nothing of the card's project is cached yet.
        await quiet(p);
        const r = await recordCall(p, firstCall(g.url, cred.token, s));
        if (!cold || fewer(r, cold)) cold = r;
      }
      try {
        report(b, "get_card by UUID, cold (fresh process: no metadata cached)", cold!, TARGETS.roundsTwo, kept, tries);
        await warmLegs(b, s, p, g!, cred.token, tries, kept);
      } finally {
        await g!.stop();
      }
    } finally {
      await ask(s.child, { cmd: "latency", ms: 0 });
      await ask(p, { cmd: "record", on: false });
    }
  } catch (error) {
    b.results.na(ROUNDS_SECTION, "rounds", `n/a: ${errorText(error)}`);
    throw error;
  } finally {
    b.results.keep("rounds", kept);
    await proxy.stop();
    await db.close().catch(() => {});
  }
}
