import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { ROUTES, routePath } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";

/**
 * Auth rows are locked in one order (tokens/token-store.ts): owner, agents, tokens oldest
 * first, the auth epoch at commit; the last-used write never waits. These races each closed
 * a cycle before: the last-used write (token, then agent) against revoking an agent (agent,
 * then its tokens); a first use of a successor (successor, then predecessor) against a
 * rotation of the predecessor (predecessor, then the successor it supersedes).
 *
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

  it("never deadlock: rotate again, first use of the successor, revoke the agent and its tokens, all at once", async () => {
    const statuses: number[] = [];
    const rotate = (token: string, key: string) =>
      stack.http("POST", ROUTES.agentSessionRotate, { bearer: token, headers: { "Idempotency-Key": key } });
    for (let round = 0; round < 12; round++) {
      const { agent, ownerJwt } = await stack.createAgent("demo.owner@nodedc.local", `rotating ${round}`);
      const old = await stack.issueToken(agent.id);
      const first = await rotate(old.token, randomUUID());
      expect(first.status).toBe(201);
      const successor = (await first.json()) as { token: string; token_id: string };
      const answers = await Promise.all([
        rotate(old.token, randomUUID()),
        stack.http("GET", ROUTES.agentSession, { bearer: successor.token }),
        rotate(old.token, randomUUID()),
        stack.http("GET", ROUTES.agentSession, { bearer: successor.token }),
        stack.http("POST", routePath(ROUTES.agentTokenRevoke, { agent_id: agent.id, token_id: old.token_id }), { bearer: ownerJwt, body: {} }),
        stack.http("POST", routePath(ROUTES.agentRevoke, { agent_id: agent.id }), { bearer: ownerJwt, body: {} }),
      ]);
      statuses.push(...answers.map((r) => r.status));
      for (const token of [old.token, successor.token]) {
        expect((await stack.http("GET", ROUTES.agentSession, { bearer: token })).status).toBe(401);
      }
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});
