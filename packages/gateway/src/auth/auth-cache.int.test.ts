import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO, OPS, startToolStack, type ToolAgent, type ToolStack } from "../tools/testing/tool-stack.test-support";

/**
 * Tool calls authenticate from the in-memory auth cache (auth/auth-cache.ts). Every change
 * below is made through another connection — as another replica, a console or an operator
 * would — and the very next tool call must see it (DESIGN §9 rules 4 and 5).
 */
let t: ToolStack;
beforeAll(async () => {
  t = await startToolStack();
});
afterAll(async () => {
  await t?.stack.close();
});

async function warmAgent(name: string): Promise<ToolAgent> {
  const a = await t.agentWith([{ project: "DEMO", scopes: ["cards:read"] }], name);
  for (let i = 0; i < 2; i++) expect((await t.call(a, "whoami", {})).status).toBe(200);
  return a;
}

/** Waits (bounded) until `count` whoami events of the agent are committed; read through adminSql, which queryCount() does not count. */
async function auditEventsLanded(a: ToolAgent, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [row] = await t.stack.adminSql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_events WHERE agent_id = ${a.id} AND action = 'tool.whoami'`;
    if (row!.n >= count) return;
    if (Date.now() > deadline) throw new Error(`only ${row!.n} of ${count} audit events of ${a.id} landed`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const statusOf = async (a: ToolAgent, tool = "whoami", args: Record<string, unknown> = {}) => {
  const r = await t.call(a, tool, args);
  return [r.status, r.body?.error?.code ?? null];
};

describe("the auth cache of tool calls", () => {
  it("serves a warm token without the token lookup: one statement before the answer, plus the read's audit event", async () => {
    const a = await warmAgent("cache-warm");
    // reads are audited after their answer: count from the moment the warm-up's events
    // have landed, and until the measured calls' events have, so none falls on the wrong side
    await auditEventsLanded(a, 2);
    const before = t.stack.queryCount();
    for (let i = 0; i < 5; i++) expect((await t.call(a, "whoami", {})).status).toBe(200);
    await auditEventsLanded(a, 7);
    // rate limits + auth epoch (1) and the background audit insert (1) per call
    expect((t.stack.queryCount() - before) / 5).toBeLessThanOrEqual(2);
    expect(t.stack.deps.authCache.size).toBeGreaterThan(0);
  });

  it("a token revoked elsewhere is refused on the very next call", async () => {
    const a = await warmAgent("cache-revoke");
    await t.stack.adminSql`UPDATE agent_tokens SET revoked_at = now() WHERE id = ${a.tokenId}`;
    expect(await statusOf(a)).toEqual([401, "unauthenticated"]);
    expect(await statusOf(a)).toEqual([401, "unauthenticated"]);
  });

  it("a revoked token gets its 401 even where the call would fail anyway (unknown tool, malformed body)", async () => {
    const a = await warmAgent("cache-early-errors");
    expect((await t.call(a, "no_such_tool", {})).status).toBe(404);
    expect((await t.call(a, "whoami", {}, { rawBody: "{not json" })).status).toBe(422);
    await t.stack.adminSql`UPDATE agent_tokens SET revoked_at = now() WHERE id = ${a.tokenId}`;
    const unknown = await t.call(a, "no_such_tool", {});
    expect([unknown.status, unknown.body?.error?.code]).toEqual([401, "unauthenticated"]);
    const malformed = await t.call(a, "whoami", {}, { rawBody: "{not json" });
    expect([malformed.status, malformed.body?.error?.code]).toEqual([401, "unauthenticated"]);
  });

  it("a token that expires by the clock alone is refused without any change in the database", async () => {
    const a = await warmAgent("cache-expiry");
    await t.stack.adminSql`UPDATE agent_tokens SET expires_at = now() + interval '20 seconds' WHERE id = ${a.tokenId}`;
    expect(await statusOf(a)).toEqual([200, null]);
    // Only the gateway's clock moves (past the expiry, inside the cache's 60 s): no real wait.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 25_000 });
    try {
      expect(await statusOf(a)).toEqual([401, "unauthenticated"]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("an agent paused elsewhere gets 403 agent_paused at once, and works again at once when resumed", async () => {
    const a = await warmAgent("cache-pause");
    await t.stack.adminSql`UPDATE agents SET status = 'paused' WHERE id = ${a.id}`;
    expect(await statusOf(a)).toEqual([403, "agent_paused"]);
    await t.stack.adminSql`UPDATE agents SET status = 'active' WHERE id = ${a.id}`;
    expect(await statusOf(a)).toEqual([200, null]);
  });

  it("an owner blocked elsewhere gets 403 owner_inactive at once", async () => {
    const a = await warmAgent("cache-owner");
    const [row] = await t.stack.adminSql<{ owner: string }[]>`SELECT owner_user_id AS owner FROM agents WHERE id = ${a.id}`;
    const owner = row!.owner;
    await t.stack.adminSql`UPDATE owners SET status = 'blocked' WHERE user_id = ${owner}`;
    try {
      expect(await statusOf(a)).toEqual([403, "owner_inactive"]);
    } finally {
      await t.stack.adminSql`UPDATE owners SET status = 'active' WHERE user_id = ${owner}`;
    }
    expect(await statusOf(a)).toEqual([200, null]);
  });

  it("a grant removed elsewhere denies the project with zero Tasker calls; one added elsewhere works at once", async () => {
    const a = await warmAgent("cache-grants");
    expect(await statusOf(a, "describe_project", { project_id: DEMO })).toEqual([200, null]);
    await t.stack.adminSql`DELETE FROM grants WHERE agent_id = ${a.id} AND project_id = ${DEMO}`;
    const calls = t.stack.sandbox.requestLog.count();
    // its only grant is gone, so it lacks the scope anywhere (a cached row would still hold it)
    expect(await statusOf(a, "describe_project", { project_id: DEMO })).toEqual([403, "scope_missing"]);
    expect(t.stack.sandbox.requestLog.count()).toBe(calls);

    expect(await statusOf(a, "describe_project", { project_id: OPS })).toEqual([403, "scope_missing"]);
    await t.stack.grant(a.id, "OPS", ["cards:read"]);
    expect(await statusOf(a, "describe_project", { project_id: OPS })).toEqual([200, null]);
  });

  it("last-used writes do not move the auth epoch (they would empty every cache)", async () => {
    const a = await warmAgent("cache-touch");
    const [before] = await t.stack.adminSql<{ epoch: string }[]>`SELECT epoch::text FROM auth_epoch`;
    await t.stack.adminSql`UPDATE agent_tokens SET last_used_at = now() WHERE id = ${a.tokenId}`;
    await t.stack.adminSql`UPDATE agents SET last_seen_at = now() WHERE id = ${a.id}`;
    const [after] = await t.stack.adminSql<{ epoch: string }[]>`SELECT epoch::text FROM auth_epoch`;
    expect(after!.epoch).toBe(before!.epoch);
    await t.stack.adminSql`UPDATE agent_tokens SET name = 'renamed' WHERE id = ${a.tokenId}`;
    const [renamed] = await t.stack.adminSql<{ epoch: string }[]>`SELECT epoch::text FROM auth_epoch`;
    expect(BigInt(renamed!.epoch)).toBeGreaterThan(BigInt(before!.epoch));
  });
});
