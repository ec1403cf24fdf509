import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTES, routePath } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";

/**
 * Every change to auth data moves the one auth_epoch row. Were it moved in the middle of
 * the changing transaction, two transactions that touch the same agent's rows in another
 * order (revoking the agent, revoking its tokens, a token revoking itself, pausing) would
 * each hold a row the other needs: a deadlock, answered 500. The epoch is moved at commit.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe("concurrent changes to one agent's auth data", () => {
  it("never deadlock: revoke agent, revoke tokens, tokens revoking themselves and a pause, all at once", async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 12; round++) {
      const { agent, ownerJwt } = await stack.createAgent("demo.owner@nodedc.local", `concurrent ${round}`);
      const tokens = await Promise.all([1, 2, 3].map(() => stack.issueToken(agent.id)));
      const answers = await Promise.all([
        stack.http("POST", routePath(ROUTES.agentRevoke, { agent_id: agent.id }), { bearer: ownerJwt, body: {} }),
        ...tokens.map((t) =>
          stack.http("POST", routePath(ROUTES.agentTokenRevoke, { agent_id: agent.id, token_id: t.token_id }), { bearer: ownerJwt, body: {} }),
        ),
        ...tokens.map((t) => stack.http("POST", ROUTES.agentSessionRevoke, { bearer: t.token, body: {} })),
        stack.http("PATCH", routePath(ROUTES.agent, { agent_id: agent.id }), { bearer: ownerJwt, body: { status: "paused" } }),
      ]);
      statuses.push(...answers.map((r) => r.status));
      // whatever won, the agent ends revoked with every token refused
      const after = await stack.http("GET", ROUTES.agentSession, { bearer: tokens[0]!.token });
      expect(after.status).toBe(401);
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});
