import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routePath, ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";

/**
 * Refused tokens are rate limited and their audit is aggregated: a revoked token called
 * in a loop gets its 401 at once (DESIGN §9 rule 5), 429 past its per-minute limit, and
 * writes one event per window and refusal kind with a count, not one row per call.
 */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ env: { AGENT_RATE_LIMIT_PER_MIN: "10" } });
});
afterAll(async () => {
  await stack?.close();
});

describe("refused tokens", () => {
  it("a revoked token called 30 times: 401 at once, 429 past the limit, four audit rows whose counts add up", async () => {
    const { agent, ownerJwt } = await stack.createAgent("demo.owner@nodedc.local", "looping");
    await stack.grant(agent.id, "DEMO", ["cards:read"]);
    const { token, token_id } = await stack.issueToken(agent.id);
    expect((await stack.http("POST", `${ROUTES.tools}/whoami`, { bearer: token, body: { arguments: {} } })).status).toBe(200);
    await stack.http("POST", routePath(ROUTES.agentTokenRevoke, { agent_id: agent.id, token_id }), { bearer: ownerJwt, body: {} });

    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await stack.http("POST", `${ROUTES.tools}/whoami`, { bearer: token, body: { arguments: {} } })).status);
    expect(statuses[0]).toBe(401); // refused on the very next call
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(20).fill(429));

    const denials = () => stack.adminSql<{ error_code: string; details: { reason: string; count?: number; aggregated?: boolean } }[]>`
      SELECT error_code, details FROM audit_events WHERE token_id = ${token_id} AND action = 'agent.auth' ORDER BY occurred_at, id`;
    expect((await denials()).map((r) => [r.error_code, r.details.aggregated ?? false])).toEqual([
      ["unauthenticated", false],
      ["rate_limited", false],
    ]);
    await stack.deps.denialAudit.flush({ all: true });
    const rows = await denials();
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.details.reason === "token_revoked")).toBe(true);
    // each first refusal stands for itself, each summary for `count` more
    expect(rows.reduce((n, r) => n + (r.details.aggregated ? r.details.count! : 1), 0)).toBe(30);
  });
});
