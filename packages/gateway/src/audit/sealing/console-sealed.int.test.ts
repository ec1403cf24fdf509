import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../../testing/test-stack";
import { sealOnce } from "./sealer";
import { loadSigningKey } from "./signing-key";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

/** The owner console's agent page as its owner sees it. */
async function agentPage(ownerJwt: string, agentId: string): Promise<string> {
  const signIn = await fetch(`${stack.gatewayUrl}/console/session`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: stack.gatewayUrl },
    body: new URLSearchParams({ launcher_token: ownerJwt }).toString(),
  });
  expect(signIn.status).toBe(303);
  const cookie = signIn.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const page = await fetch(`${stack.gatewayUrl}/console/agents/${agentId}`, { headers: { Cookie: cookie } });
  expect(page.status).toBe(200);
  return page.text();
}

describe("the console shows where an event was sealed", () => {
  it("says 'not sealed yet' until the sealer runs, then 'sealed in checkpoint #N'", async () => {
    const { agent, ownerJwt } = await stack.createAgent("demo.owner@nodedc.local", "sealed agent");
    expect(await agentPage(ownerJwt, agent.id)).toContain("not sealed yet");
    const { checkpoint } = await sealOnce(stack.sql, loadSigningKey({ value: null, file: null }));
    const html = await agentPage(ownerJwt, agent.id);
    expect(html).toContain(`sealed in checkpoint #${checkpoint!.seq}`);
    expect(html).not.toContain("not sealed yet");
  });
});
