import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";

/**
 * Lists show audit events newest first by (occurred_at, id). Embedded PGlite's clock counts
 * whole milliseconds, so events written one after another often share occurred_at; the id
 * (UUIDv7, event-id.ts) must then keep the order they were written in. With random ids
 * this order came out shuffled on PGlite (the console's Activity table did too).
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe("audit event order", () => {
  it("lists events written one after another in exactly that order, through every writer", async () => {
    const { agent, ownerJwt, ownerUserId } = await stack.createAgent("demo.owner@nodedc.local", "ordered events");
    const written: string[] = [];
    const writers = [
      (e: Parameters<typeof stack.deps.audit.durable>[0]) => stack.deps.audit.durable(e),
      (e: Parameters<typeof stack.deps.audit.durable>[0]) => stack.deps.audit.relaxed(e),
      (e: Parameters<typeof stack.deps.audit.durable>[0]) => stack.sql.begin((tx) => stack.deps.audit.inTransaction(tx, e)),
    ];
    for (let i = 0; i < 90; i++) {
      const action = `test.order_${String(i).padStart(2, "0")}`;
      await writers[i % writers.length]!({ actor_type: "agent", agent_id: agent.id, owner_user_id: ownerUserId, action, outcome: "allowed", request_id: `order-${i}` });
      written.push(action);
    }
    const res = await stack.http("GET", `${ROUTES.auditEvents}?agent_id=${agent.id}&limit=100`, { bearer: ownerJwt });
    expect(res.status).toBe(200);
    const listed = ((await res.json()) as { items: { action: string }[] }).items.map((e) => e.action).filter((a) => a.startsWith("test.order_"));
    expect(listed).toEqual([...written].reverse());
  });
});
