import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, FULL, freshKey, startToolStack, type ToolAgent, type ToolStack } from "./testing/tool-stack.test-support";

let t: ToolStack;
let agent: ToolAgent;

// A 1 s lease and a Tasker that takes 3 s to create a card: without renewal, a retry
// arriving after the first second would take the live call over and write a second time.
beforeAll(async () => {
  t = await startToolStack({ env: { IDEMPOTENCY_LEASE_S: "1", TASKER_TIMEOUT_MS: "10000" } });
  agent = await t.agentWith([{ project: "DEMO", scopes: FULL }]);
});
afterAll(async () => {
  await t?.stack.close();
});

const leaseOf = async (key: string) => {
  const [row] = await t.stack.adminSql<{ lease: Date; attempts: number }[]>`
    SELECT lease_expires_at AS lease, attempts FROM idempotency_records WHERE agent_id = ${agent.id} AND idempotency_key = ${key}`;
  return row;
};

describe("DESIGN §9 rule 12 under a slow Tasker: the lease of a live call is renewed", () => {
  it("a retry during a write slower than the lease makes no second Tasker write and gets the same answer", async () => {
    const key = freshKey("slow-lease");
    const args = { project_id: DEMO, title: `slow lease ${key}` };
    t.stack.sandbox.faults.add({ mode: "latency", latencyMs: 3000, method: "POST", path: /\/work-items\/$/, times: 1 });
    const seq = t.stack.sandbox.requestLog.lastSeq;
    const first = t.call(agent, "create_card", args, { key });

    // Wait on the events, not the clock: the claim exists, then has been renewed past its
    // first expiry (so the first call is past its lease and still holds it).
    let claimed = await leaseOf(key);
    while (!claimed) claimed = await leaseOf(key);
    const firstExpiry = claimed.lease.getTime();
    let now = await leaseOf(key);
    while (now!.lease.getTime() < firstExpiry + 900) now = await leaseOf(key);

    const retry = await t.call(agent, "create_card", args, { key });
    const original = await first;
    expect([original.status, retry.status], `${original.text} ${retry.text}`).toEqual([200, 200]);
    expect(retry.text).toBe(original.text);
    const posts = t.stack.sandbox.requestLog.since(seq).filter((e) => e.method === "POST");
    expect(posts).toHaveLength(1);
    expect((await leaseOf(key))!.attempts).toBe(1);
  }, 30_000);
});
