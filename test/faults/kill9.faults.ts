/**
 * Scenario 2: kill -9 of the gateway process while writes are in flight, then a new
 * process and retries with the same Idempotency-Key until each write has a final answer.
 * Counted in the sandbox's request log (Tasker writes, not cards): at most one Tasker write
 * per key, exactly one for every key that ended 200; every acknowledged write has its
 * audit event; an answer acknowledged before the crash is the one the retry gets.
 */
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GatewayProcess } from "../../bench/lib/gateway-process.ts";
import { recordFigures } from "./lib/figures";
import { auditByKey, callTool, DEMO, startProcessStack, taskerWrites, type CallResult, type ProcessStack } from "./lib/process-stack";
import { FAULTS } from "./lib/size";
import { resolveWithRetries } from "./lib/retry";

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
  key: string;
  tool: "create_card" | "add_comment";
  args: Record<string, unknown>;
  /** The card a comment goes to: one per key, so its Tasker write has its own path. */
  cardId: string | null;
}

function waitForExit(g: GatewayProcess): Promise<void> {
  return g.child.exitCode !== null || g.child.signalCode !== null ? Promise.resolve() : new Promise((r) => g.child.once("exit", () => r()));
}

it(
  `${FAULTS.killTrials} × kill -9 during ${FAULTS.writesPerKill} writes: no duplicate Tasker write, no acknowledged write without its audit event`,
  async () => {
    const delays = fc.sample(fc.integer({ min: 0, max: 500 }), { seed: FAULTS.seed, numRuns: FAULTS.killTrials });
    let requests = 0;
    let duplicates = 0;
    let lost = 0;
    let unresolved = 0;
    let ackBeforeKill = 0;
    let changedAnswers = 0;
    let lateReplays = 0;
    const resolveMs: number[] = [];
    const problems: string[] = [];

    for (let trial = 0; trial < FAULTS.killTrials; trial++) {
      const writes: Write[] = [];
      for (let i = 0; i < FAULTS.writesPerKill; i++) {
        const key = `kill-${trial}-${i}-${Math.random().toString(36).slice(2, 10)}`;
        if (i % 2 === 0) {
          writes.push({ key, tool: "create_card", args: { project_id: DEMO, title: `crash ${key}` }, cardId: null });
        } else {
          const cardId = await stack.humanCard(`target of ${key}`);
          writes.push({ key, tool: "add_comment", args: { project_id: DEMO, card_id: cardId, body_markdown: `comment ${key}` }, cardId });
        }
      }
      const since = stack.sandbox.requestLog.lastSeq;
      const victim = gateway;
      const inFlight = writes.map((w) => callTool(victim.url, agent.token, w.tool, w.args, w.key));
      await new Promise((r) => setTimeout(r, delays[trial]));
      victim.child.kill("SIGKILL");
      await waitForExit(victim);
      const before: CallResult[] = await Promise.all(inFlight);
      requests += writes.length;
      ackBeforeKill += before.filter((r) => r.status === 200).length;

      const restartedAt = Date.now();
      gateway = await stack.start(`kill9-${trial + 1}`);
      const after = await Promise.all(writes.map((w) => resolveWithRetries(() => callTool(gateway.url, agent.token, w.tool, w.args, w.key), 90_000)));
      resolveMs.push(Date.now() - restartedAt);
      requests += after.reduce((n, a) => n + a.attempts, 0);

      const tasker = taskerWrites(stack.sandbox, since);
      const audit = await auditByKey(stack.adminSql, agent.agentId);
      const creates = tasker.filter((t) => t.method === "POST" && /\/work-items\/$/.test(t.path)).length;
      const createKeys = writes.filter((w) => w.tool === "create_card");
      const createsDone = createKeys.filter((_, i) => after[writes.indexOf(createKeys[i]!)]!.result.status === 200).length;
      if (creates > createsDone) {
        duplicates += creates - createsDone;
        problems.push(`trial ${trial}: ${creates} card POSTs for ${createsDone} create_card keys that ended 200 (${createKeys.length} keys)`);
      }
      writes.forEach((w, i) => {
        const final = after[i]!.result;
        if (final.status !== 200) {
          unresolved++;
          problems.push(`trial ${trial}: ${w.tool} ${w.key} ended ${final.status} ${JSON.stringify(final.body)?.slice(0, 200)} after ${after[i]!.attempts} attempts`);
        }
        if (w.cardId) {
          const posts = tasker.filter((t) => t.method === "POST" && t.path.includes(`/work-items/${w.cardId}/comments/`)).length;
          if (posts > 1) {
            duplicates += posts - 1;
            problems.push(`trial ${trial}: ${posts} comment POSTs for key ${w.key}`);
          }
          if (final.status === 200 && posts === 0) {
            lost++;
            problems.push(`trial ${trial}: ${w.key} answered 200 but Tasker never got the comment`);
          }
        }
        const acknowledged = before[i]!.status === 200 || final.status === 200;
        if (acknowledged && !audit.get(w.key)?.has("allowed")) {
          lost++;
          problems.push(`trial ${trial}: ${w.tool} ${w.key} acknowledged without its audit event`);
        }
        // An answer the client already has must come back at once after a restart (a
        // replay), not as 409 `idempotency_in_progress` until a lease runs out.
        if (before[i]!.status === 200 && after[i]!.attempts > 1) {
          lateReplays++;
          problems.push(`trial ${trial}: ${w.key} acknowledged before the crash, but the retry got ${after[i]!.firstStatus} first (${after[i]!.attempts} attempts)`);
        }
        if (before[i]!.status === 200 && final.status === 200 && JSON.stringify(before[i]!.body) !== JSON.stringify(final.body)) {
          changedAnswers++;
          problems.push(`trial ${trial}: ${w.key} acknowledged before the crash, the retry answered differently`);
        }
      });
    }

    resolveMs.sort((a, b) => a - b);
    recordFigures({
      scenario: "2 kill -9 during writes",
      requests,
      unexpected5xx: 0,
      documented503: 0,
      duplicates,
      lostEvents: lost,
      recoveryMs: resolveMs[Math.floor(resolveMs.length / 2)] ?? null,
      notes: `${FAULTS.killTrials} kills, ${ackBeforeKill} acked before a kill, ${unresolved} unresolved, ${lateReplays} acked answered late, p100 ${((resolveMs.at(-1) ?? 0) / 1000).toFixed(1)} s restart→all final`,
    });
    expect(problems.slice(0, 10), `${problems.length} problems`).toEqual([]);
    expect({ duplicates, lost, unresolved, changedAnswers, lateReplays }).toEqual({ duplicates: 0, lost: 0, unresolved: 0, changedAnswers: 0, lateReplays: 0 });
  },
  FAULTS.testTimeoutMs,
);
