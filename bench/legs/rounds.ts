/**
 * Tasker rounds behind one tool call, with the sandbox's latency fault holding every request
 * LATENCY_MS before its handler (why that is what makes the detection honest: lib/rounds.ts).
 * Its own gateway process on its own database, so "cold" means what it says:
 *  - cold: the first get_card of a gateway process that has cached nothing (its agent was
 *    created by an earlier process on the same database, with the same secrets);
 *  - warm: get_card by UUID, by identifier, search_cards, and the two writes for reference;
 *  - full run only: steady traffic across the metadata expiry (refresh ahead: no extra round
 *    on the request path) and a get_card after the gateway sat idle past the expiry.
 */
import { randomBytes } from "node:crypto";
import type { Bench, SandboxInfo } from "../lib/context.ts";
import { benchInputs } from "../lib/context.ts";
import { freshPostgres } from "../lib/database.ts";
import { callOp, type HttpOp } from "../lib/http.ts";
import { startGateway } from "../lib/gateway-process.ts";
import { ask } from "../lib/proc.ts";
import type { RecordedCall } from "../servers/sandbox.ts";
import { describeRounds, roundsOf, timeline } from "../lib/rounds.ts";
import { errorText } from "../lib/results.ts";
import { percentile } from "../lib/stats.ts";
import { TARGETS } from "../lib/targets.ts";
import type { Target } from "../lib/results.ts";
import { createBenchAgent } from "./gateway-setup.ts";
import { gatewayOps } from "./gateway-rest.ts";

export const ROUNDS_SECTION = "Tasker rounds behind one tool call (sandbox latency fault: 10 ms per request)";
export const LATENCY_MS = 10;
/** The gateway's project metadata TTL (packages/gateway/src/tasker/adapter.ts, `metadataTtlMs` default). */
export const METADATA_TTL_MS = 30_000;

export interface CallRecord {
  calls: RecordedCall[];
  rounds: RecordedCall[][];
  wallMs: number;
}

/** One call with the sandbox recording: only the requests that arrived after recording began and were answered by the time the call returned. */
export async function recordCall(s: SandboxInfo, fn: () => Promise<unknown>): Promise<CallRecord> {
  const { now: since } = await ask<{ now: number }>(s.child, { cmd: "record", on: true });
  const t = performance.now();
  await fn();
  const wallMs = performance.now() - t;
  const { calls } = await ask<{ calls: RecordedCall[] }>(s.child, { cmd: "recorded" });
  const mine = calls.filter((c) => c.t0 >= since);
  return { calls: mine, rounds: roundsOf(mine), wallMs };
}

/** Waits until the sandbox saw no request for 300 ms (a load run's stragglers, a refresh). */
async function quiet(s: SandboxInfo): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await ask(s.child, { cmd: "record", on: true });
    await new Promise((r) => setTimeout(r, 300));
    const { calls } = await ask<{ calls: RecordedCall[] }>(s.child, { cmd: "recorded" });
    if (calls.length === 0) return;
    if (Date.now() > deadline) throw new Error(`the sandbox did not go quiet (${calls.length} requests in 300 ms)`);
  }
}

/** Steady state: the try with the fewest requests (a refresh that happens to fall into one try does not count). */
async function warmRecord(s: SandboxInfo, fn: () => Promise<unknown>, tries: number): Promise<CallRecord> {
  await fn();
  await quiet(s);
  let best: CallRecord | null = null;
  for (let i = 0; i < tries; i++) {
    const r = await recordCall(s, fn);
    if (!best || r.calls.length < best.calls.length || (r.calls.length === best.calls.length && r.rounds.length < best.rounds.length)) best = r;
  }
  return best!;
}

function report(b: Bench, what: string, r: CallRecord, target: Target | undefined, kept: Record<string, unknown>): void {
  b.results.add(ROUNDS_SECTION, `${what}: rounds`, r.rounds.length, "", {
    ...(target ? { target } : {}),
    note: `${r.calls.length} requests: ${describeRounds(r.rounds) || "none"}; the call took ${r.wallMs.toFixed(1)} ms at ${LATENCY_MS} ms per request`,
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

export async function roundsLeg(b: Bench, s: SandboxInfo): Promise<void> {
  const db = await freshPostgres({ migrate: false });
  const env = {
    LAUNCHER_JWT_SECRET: randomBytes(32).toString("hex"),
    TOKEN_PEPPER: randomBytes(32).toString("hex"),
    AUDIT_SIGNING_KEY: randomBytes(32).toString("base64"),
  };
  const kept: Record<string, unknown> = {};
  try {
    const first = await startGateway({ label: "rounds-setup", taskerUrl: s.url, taskerKey: s.keys.service!, databaseUrl: db.url, env });
    let cred;
    try {
      cred = await createBenchAgent(first.url, first.jwtSecret, s, "pnpm bench rounds");
    } finally {
      await first.stop();
    }
    const g = await startGateway({ label: "rounds", taskerUrl: s.url, taskerKey: s.keys.service!, databaseUrl: db.url, env });
    try {
      const ops = gatewayOps(s, g.url, cred.token, "rounds");
      const op = (name: string) => ops.find((o) => o.op === name)!.http!.op;
      const inp = benchInputs(s);
      const byUuid = op("get_card");
      const byIdentifier: HttpOp = { ...byUuid, body: () => JSON.stringify({ arguments: { project_id: inp.readProject.id, card: inp.readCardIdentifier } }) };
      let i = 40_000_000;
      const call = (o: HttpOp) => () => callOp(g.url, o, i++);
      await ask(s.child, { cmd: "latency", ms: LATENCY_MS });
      try {
        // `/readyz` may have touched Tasker; nothing of the card's project is cached yet.
        await quiet(s);
        report(b, "get_card by UUID, cold (fresh process: no metadata cached)", await recordCall(s, call(byUuid)), TARGETS.roundsTwo, kept);
        const tries = b.profile.smoke ? 1 : 3;
        const warm = await warmRecord(s, call(byUuid), tries);
        report(b, "get_card by UUID, warm", warm, TARGETS.roundsOne, kept);
        report(b, "get_card by identifier, warm", await warmRecord(s, call(byIdentifier), tries), TARGETS.roundsTwo, kept);
        report(b, "search_cards, warm", await warmRecord(s, call(op("search_cards")), tries), TARGETS.roundsOne, kept);
        report(b, "create_card, warm", await warmRecord(s, call(op("create_card")), tries), undefined, kept);
        report(b, "add_comment, warm", await warmRecord(s, call(op("add_comment")), tries), undefined, kept);
        if (!b.profile.smoke) {
          // Steady traffic across the expiry: with refresh ahead no call pays the reload.
          const until = Date.now() + METADATA_TTL_MS + 3_000;
          const records: CallRecord[] = [];
          while (Date.now() < until) {
            records.push(await recordCall(s, call(byUuid)));
            await new Promise((r) => setTimeout(r, 50));
          }
          const extra = records.map((r) => r.rounds.length - warm.rounds.length);
          const worst = records[extra.indexOf(Math.max(...extra))]!;
          const walls = records.map((r) => r.wallMs).sort((a, b) => a - b);
          b.results.add(ROUNDS_SECTION, `get_card by UUID, steady traffic across the ${METADATA_TTL_MS / 1000} s metadata expiry: extra rounds on the request path (worst call)`, Math.max(...extra), "", {
            target: TARGETS.roundsNoExtra,
            note: `${records.length} calls, ${extra.filter((x) => x > 0).length} paid extra rounds; wall p50 ${percentile(walls, 50).toFixed(1)} ms, max ${walls[walls.length - 1]!.toFixed(1)} ms; worst: ${describeRounds(worst.rounds)}`,
          });
          kept["steady traffic across the expiry"] = { calls: records.length, extra, worst: describeRounds(worst.rounds), timeline: timeline(worst.rounds) };
          // Idle past the expiry, then one call.
          await new Promise((r) => setTimeout(r, METADATA_TTL_MS + 1_000));
          report(b, `get_card by UUID, after ${METADATA_TTL_MS / 1000 + 1} s idle (metadata expired)`, await recordCall(s, call(byUuid)), TARGETS.roundsTwo, kept);
        }
      } finally {
        await ask(s.child, { cmd: "latency", ms: 0 });
        await ask(s.child, { cmd: "record", on: false });
      }
    } finally {
      await g.stop();
    }
  } catch (error) {
    b.results.na(ROUNDS_SECTION, "rounds", `n/a: ${errorText(error)}`);
    throw error;
  } finally {
    b.results.keep("rounds", kept);
    await db.close().catch(() => {});
  }
}
