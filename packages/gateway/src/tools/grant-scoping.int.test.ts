import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO, FULL, OPS, freshKey, startToolStack, type ToolAgent, type ToolStack } from "./testing/tool-stack.test-support";

/**
 * DESIGN §9 rule 4, the confused-deputy case: a project the agent's OWNER is an active member
 * of in Tasker, but which was not granted to THIS agent. The owner-membership re-check would
 * pass here, so the grant check alone must refuse — with 403 project_not_granted and not one
 * request to Tasker. (tools-bad-input.int.test.ts covers projects the owner cannot see.)
 */
let t: ToolStack;
let demoOnly: ToolAgent;
let opsAgent: ToolAgent;

beforeAll(async () => {
  t = await startToolStack();
  demoOnly = await t.agentWith([{ project: "DEMO", scopes: FULL }], "DEMO-only Codex");
  // a sibling agent of the same owner holds OPS: proves the owner is an active OPS member
  opsAgent = await t.agentWith([{ project: "OPS", scopes: ["cards:read"] }], "OPS reader");
});
afterAll(async () => {
  await t?.stack.close();
});

const CALLS: [string, Record<string, unknown>][] = [
  ["describe_project", { project_id: OPS }],
  ["search_cards", { project_id: OPS }],
  ["get_card", { project_id: OPS, card: "OPS-1" }],
  ["get_recent_activity", { project_id: OPS }],
  ["create_card", { project_id: OPS, title: "not mine" }],
  ["update_card", { project_id: OPS, card_id: "OPS-1", priority: "low" }],
  ["add_comment", { project_id: OPS, card_id: "OPS-1", body_markdown: "hi" }],
  ["report_session", { project_id: OPS, card_id: "OPS-1", status: "progress", summary: "ok" }],
];

describe("a project of the owner that this agent was not granted", () => {
  it("the owner really is an active member: the sibling agent reads OPS", async () => {
    const r = await t.call(opsAgent, "describe_project", { project_id: OPS });
    expect(r.status, r.text).toBe(200);
    const d = await t.call(demoOnly, "describe_project", { project_id: DEMO });
    expect(d.status, d.text).toBe(200);
  });

  it.each(CALLS)("%s on it → 403 project_not_granted with zero Tasker calls", async (tool, args) => {
    const seq = t.stack.sandbox.requestLog.lastSeq;
    const withKey = ["create_card", "update_card", "add_comment", "report_session"].includes(tool) ? { ...args, idempotency_key: freshKey() } : args;
    const r = await t.call(demoOnly, tool, withKey);
    expect([r.status, r.body.error?.code], r.text).toEqual([403, "project_not_granted"]);
    expect(t.stack.sandbox.requestLog.since(seq)).toEqual([]);
  });
});
