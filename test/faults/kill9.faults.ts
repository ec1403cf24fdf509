/**
 * Scenario 2: kill -9 of the gateway process while writes are in flight, trial after
 * trial. Every write keeps being retried with its Idempotency-Key against whichever
 * gateway process is up (later kills interrupt those retries too) until it has a final
 * answer. Counted in the sandbox's request log (Tasker writes, not cards): at most one
 * Tasker write per key and exactly one for every key that ended 200; every acknowledged
 * write has its audit event; a write acknowledged before a crash is replayed at once by
 * the next process, with the same answer.
 */
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GatewayProcess } from "../../bench/lib/gateway-process.ts";
import { recordFigures } from "./lib/figures";
import { auditByKey, callTool, DEMO, startProcessStack, taskerWrites, type CallResult, type ProcessStack } from "./lib/process-stack";
import { FAULTS } from "./lib/size";
import { resolveWithRetries, type Resolved } from "./lib/retry";

let stack: ProcessStack;
let gateway: GatewayProcess;
let agent: { agentId: string; token: string };

beforeAll(async () => {
  stack = await startProcessStack("kill9");
  gateway = await stack.start("kill9-0");
  agent = await stack.agentWithToken(gateway.url, "Crash test agent");
});
afterAll(async () => {
  await stack?.close();
});

interface Write {
  trial: number;
  key: string;
  tool: "create_card" | "add_comment";
  args: Record<string, unknown>;
  /** The card a comment goes to: one per key, so its Tasker write has its own path. */
  cardId: string | null;
  beforeKill?: CallResult;
  replayAfterRestart?: CallResult;
  final?: Promise<Resolved>;
}

function waitForExit(g: GatewayProcess): Promise<void> {
  return g.child.exitCode !== null || g.child.signalCode !== null ? Promise.resolve() : new Promise((r) => g.child.once("exit", () => r()));
}

/** Calls whichever gateway process is up at the time of the call. */
const callCurrent = (w: Write) => callTool(gateway.url, agent.token, w.tool, w.args, w.key, 30_000);

it(
  `${FAULTS.killTrials} × kill -9 during ${FAULTS.writesPerKill} writes: no duplicate Tasker write, no acknowledged write without its audit event`,
  async () => {
    // Odd trials kill 0–3 ms after the first write was acknowledged (its stored answer may not
    // be committed yet), even ones at a random moment of the batch.
    const delays = fc.sample(fc.integer({ min: 0, max: 1_500 }), { seed: FAULTS.seed, numRuns: FAULTS.killTrials });
    const afterAck = fc.sample(fc.integer({ min: 0, max: 3 }), { seed: FAULTS.seed + 1, numRuns: FAULTS.killTrials });
    const since = stack.sandbox.requestLog.lastSeq;
    const writes: Write[] = [];
    const restartMs: number[] = [];
    let killsDoneAt = 0;
    const started = Date.now();

    for (let trial = 0; trial < FAULTS.killTrials; trial++) {
      const batch: Write[] = [];
      for (let i = 0; i < FAULTS.writesPerKill; i++) {
        const key = `kill-${trial}-${i}-${Math.random().toString(36).slice(2, 10)}`;
        if (i % 2 === 0) batch.push({ trial, key, tool: "create_card", args: { project_id: DEMO, title: `crash ${key}` }, cardId: null });
        else {
          const cardId = await stack.humanCard(`target of ${key}`);
          batch.push({ trial, key, tool: "add_comment", args: { project_id: DEMO, card_id: cardId, body_markdown: `comment ${key}` }, cardId });
        }
      }
      writes.push(...batch);
      const victim = gateway;
      let firstAck: () => void = () => {};
      const acked = new Promise<void>((r) => (firstAck = r));
      const inFlight = batch.map(async (w) => {
        w.beforeKill = await callTool(victim.url, agent.token, w.tool, w.args, w.key, 30_000);
        if (w.beforeKill.status === 200) firstAck();
      });
      if (trial % 2 === 1) await Promise.race([acked, Promise.all(inFlight)]);
      await new Promise((r) => setTimeout(r, trial % 2 === 1 ? afterAck[trial] : delays[trial]));
      victim.child.kill("SIGKILL");
      await waitForExit(victim);
      await Promise.all(inFlight);
      const restartAt = Date.now();
      gateway = await stack.start(`kill9-${trial + 1}`);
      restartMs.push(Date.now() - restartAt);
      for (const w of batch) {
        // an answer the client already has comes back at once from the new process
        if (w.beforeKill!.status === 200) w.replayAfterRestart = await callCurrent(w);
        // later kills interrupt these retries (a claim taken just before a kill waits out its
        // lease again), so the deadline runs from the last kill
        else w.final = resolveWithRetries(() => callCurrent(w), () => (killsDoneAt ? killsDoneAt + 150_000 : Number.MAX_SAFE_INTEGER));
      }
    }
    killsDoneAt = Date.now();
    const finals = await Promise.all(writes.map((w) => w.final ?? Promise.resolve(null)));
    const allDoneMs = Date.now() - started;

    const problems: string[] = [];
    let duplicates = 0;
    let lost = 0;
    let unresolved = 0;
    let lateReplays = 0;
    let requests = 0;
    const tasker = taskerWrites(stack.sandbox, since);
    const audit = await auditByKey(stack.adminSql, agent.agentId);
    // an acknowledged write stays acknowledged: its replay is judged on its own below
    const statusOf = (w: Write, i: number) => (w.beforeKill!.status === 200 ? 200 : finals[i]!.result.status);
    writes.forEach((w, i) => {
      requests += 1 + (w.replayAfterRestart ? 1 : finals[i]!.attempts);
      const status = statusOf(w, i);
      if (status !== 200) {
        unresolved++;
        const last = w.replayAfterRestart ?? finals[i]!.result;
        problems.push(`trial ${w.trial}: ${w.tool} ${w.key} ended ${status} ${JSON.stringify(last.body)?.slice(0, 160)}`);
      }
      if (w.beforeKill!.status === 200) {
        if (w.replayAfterRestart!.status !== 200) {
          lateReplays++;
          problems.push(`trial ${w.trial}: ${w.key} was acknowledged before the crash, the next process answered ${w.replayAfterRestart!.status} ${w.replayAfterRestart!.body?.error?.code ?? ""}`);
        } else if (JSON.stringify(w.replayAfterRestart!.body) !== JSON.stringify(w.beforeKill!.body)) {
          problems.push(`trial ${w.trial}: ${w.key} acknowledged before the crash, the replay answered differently`);
        }
      }
      if (w.cardId) {
        const posts = tasker.filter((t) => t.method === "POST" && t.path.includes(`/work-items/${w.cardId}/comments/`)).length;
        if (posts > 1) problems.push(`trial ${w.trial}: ${posts} comment POSTs for key ${w.key}`);
        duplicates += Math.max(0, posts - 1);
        if (status === 200 && posts === 0) {
          lost++;
          problems.push(`trial ${w.trial}: ${w.key} answered 200 but Tasker never got the comment`);
        }
      }
      const acknowledged = w.beforeKill!.status === 200 || status === 200;
      if (acknowledged && !audit.get(w.key)?.has("allowed")) {
        lost++;
        problems.push(`trial ${w.trial}: ${w.tool} ${w.key} acknowledged without its audit event`);
      }
    });
    const creates = tasker.filter((t) => t.method === "POST" && /\/work-items\/$/.test(t.path)).length;
    const createsDone = writes.filter((w, i) => w.tool === "create_card" && statusOf(w, i) === 200).length;
    if (creates > createsDone) {
      duplicates += creates - createsDone;
      problems.push(`${creates} card POSTs for ${createsDone} create_card keys that ended 200`);
    }
    if (creates < createsDone) {
      lost += createsDone - creates;
      problems.push(`${creates} card POSTs for ${createsDone} create_card keys that ended 200`);
    }

    restartMs.sort((a, b) => a - b);
    const acked = writes.filter((w) => w.beforeKill!.status === 200).length;
    recordFigures({
      scenario: "2 kill -9 during writes",
      requests,
      unexpected5xx: 0,
      documented503: 0,
      duplicates,
      lostEvents: lost,
      recoveryMs: restartMs[Math.floor(restartMs.length / 2)] ?? null,
      notes: `${FAULTS.killTrials} kills, ${writes.length} writes, ${acked} acked before a kill (${lateReplays} not replayed at once), ${unresolved} unresolved; recovery = kill→new process ready; all final after ${(allDoneMs / 1000).toFixed(0)} s`,
    });
    expect(problems.slice(0, 10), `${problems.length} problems`).toEqual([]);
    expect({ duplicates, lost, unresolved, lateReplays }).toEqual({ duplicates: 0, lost: 0, unresolved: 0, lateReplays: 0 });
  },
  FAULTS.testTimeoutMs,
);
