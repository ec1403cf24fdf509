/**
 * Scenario 5: two gateway processes on one database under the same load. The idempotency
 * hold spans replicas (20 parallel calls per key, alternating replicas → one Tasker write
 * per key, the same answer for all), and so does the per-token rate limit (a burst over
 * both replicas gets at most the limit per window, the rest 429 with Retry-After).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GatewayProcess } from "../../bench/lib/gateway-process.ts";
import { recordFigures } from "./lib/figures";
import { auditByKey, callTool, DEMO, startProcessStack, taskerWrites, type ProcessStack } from "./lib/process-stack";
import { FAULTS } from "./lib/size";

let stack: ProcessStack;

beforeAll(async () => {
  stack = await startProcessStack("replicas");
});
afterAll(async () => {
  await stack?.close();
});

const PARALLEL = 20;
const RATE_LIMIT = 25;

it(
  `${FAULTS.replicaKeys} keys × ${PARALLEL} parallel calls over two replicas → one Tasker write per key, one answer`,
  async () => {
    const replicas: GatewayProcess[] = [await stack.start("replica-a"), await stack.start("replica-b")];
    try {
      const agent = await stack.agentWithToken(replicas[0]!.url, "Replicated agent");
      const since = stack.sandbox.requestLog.lastSeq;
      const problems: string[] = [];
      let requests = 0;
      let fiveXx = 0;
      let duplicates = 0;
      let lost = 0;
      const audit = () => auditByKey(stack.adminSql, agent.agentId);
      const keys: { key: string; cardId: string | null }[] = [];
      for (let k = 0; k < FAULTS.replicaKeys; k++) {
        const key = `replica-${k}-${Math.random().toString(36).slice(2, 10)}`;
        const cardId = k % 2 === 1 ? await stack.humanCard(`replica target ${k}`) : null;
        keys.push({ key, cardId });
        const [tool, args] = cardId
          ? (["add_comment", { project_id: DEMO, card_id: cardId, body_markdown: `replicas ${key}` }] as const)
          : (["create_card", { project_id: DEMO, title: `replicas ${key}` }] as const);
        const answers = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => callTool(replicas[i % 2]!.url, agent.token, tool, args, key, 60_000)));
        requests += answers.length;
        fiveXx += answers.filter((a) => a.status >= 500).length;
        const statuses = new Set(answers.map((a) => a.status));
        if (statuses.size !== 1 || !statuses.has(200)) problems.push(`${key}: statuses ${[...statuses].join(",")}`);
        if (new Set(answers.map((a) => JSON.stringify(a.body))).size !== 1) problems.push(`${key}: different answers`);
      }
      const tasker = taskerWrites(stack.sandbox, since);
      const creates = tasker.filter((t) => t.method === "POST" && /\/work-items\/$/.test(t.path)).length;
      const createKeys = keys.filter((k) => !k.cardId).length;
      duplicates += Math.max(0, creates - createKeys);
      lost += Math.max(0, createKeys - creates);
      if (creates !== createKeys) problems.push(`${creates} card POSTs for ${createKeys} create_card keys`);
      const events = await audit();
      for (const k of keys) {
        if (k.cardId) {
          const posts = tasker.filter((t) => t.method === "POST" && t.path.includes(`/work-items/${k.cardId}/comments/`)).length;
          if (posts !== 1) problems.push(`${posts} comment POSTs for ${k.key}`);
          duplicates += Math.max(0, posts - 1);
          if (posts === 0) lost++;
        }
        if (!events.get(k.key)?.has("allowed")) {
          lost++;
          problems.push(`${k.key} has no audit event`);
        }
      }
      recordFigures({
        scenario: "5a two replicas: idempotency",
        requests,
        unexpected5xx: fiveXx,
        documented503: 0,
        duplicates,
        lostEvents: lost,
        recoveryMs: null,
        notes: `${FAULTS.replicaKeys} keys × ${PARALLEL} parallel, alternating replicas`,
      });
      expect(problems.slice(0, 10), `${problems.length} problems`).toEqual([]);
      expect({ duplicates, lost, fiveXx }).toEqual({ duplicates: 0, lost: 0, fiveXx: 0 });
    } finally {
      for (const r of replicas) await r.stop();
    }
  },
  FAULTS.testTimeoutMs,
);

it(
  `a burst over two replicas gets at most the per-token limit (${RATE_LIMIT}/min) per window; the rest 429 with Retry-After`,
  async () => {
    const env = { AGENT_RATE_LIMIT_PER_MIN: String(RATE_LIMIT), OWNER_RATE_LIMIT_PER_MIN: "100000" };
    const replicas: GatewayProcess[] = [await stack.start("limited-a", env), await stack.start("limited-b", env)];
    try {
      const agent = await stack.agentWithToken(replicas[0]!.url, "Limited agent");
      const burst = RATE_LIMIT * 3;
      const startedAt = Date.now();
      const answers = await Promise.all(Array.from({ length: burst }, (_, i) => callTool(replicas[i % 2]!.url, agent.token, "whoami", {}, undefined, 60_000)));
      const endedAt = Date.now();
      // fixed windows of a minute: a burst across a minute boundary may use two
      const windows = Math.floor(endedAt / 60_000) - Math.floor(startedAt / 60_000) + 1;
      const ok = answers.filter((a) => a.status === 200).length;
      const limited = answers.filter((a) => a.status === 429);
      const badLimited = limited.filter((a) => a.body?.error?.code !== "rate_limited" || !(a.retryAfterS! > 0));
      const other = answers.filter((a) => a.status !== 200 && a.status !== 429);
      recordFigures({
        scenario: "5b two replicas: rate limit",
        requests: burst,
        unexpected5xx: answers.filter((a) => a.status >= 500).length,
        documented503: 0,
        duplicates: 0,
        lostEvents: 0,
        recoveryMs: null,
        notes: `limit ${RATE_LIMIT}/min per token: ${ok} × 200, ${limited.length} × 429 over ${windows} window(s)`,
      });
      expect(ok).toBeGreaterThan(0);
      expect(ok).toBeLessThanOrEqual(RATE_LIMIT * windows);
      expect(limited.length).toBeGreaterThanOrEqual(burst - RATE_LIMIT * windows);
      expect({ badLimited: badLimited.length, other: other.map((a) => a.status) }).toEqual({ badLimited: 0, other: [] });
    } finally {
      for (const r of replicas) await r.stop();
    }
  },
  FAULTS.testTimeoutMs,
);
