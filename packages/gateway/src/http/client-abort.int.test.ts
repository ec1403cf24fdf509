import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";

/**
 * A client that goes away in the middle of its body is not a server error: it is counted
 * as a client abort (nodedc_http_client_aborts_total, status label 499) and logged as a
 * warning, never as an unhandled 500 — else anyone could inflate the 5xx rate before
 * authenticating.
 */
let stack: TestStack;
const credentials: Record<string, string> = {};
beforeAll(async () => {
  stack = await startTestStack();
  const { agent, ownerJwt } = await stack.createAgent("demo.owner@nodedc.local", "aborts");
  await stack.grant(agent.id, "DEMO", ["cards:read"]);
  credentials.owner = ownerJwt;
  credentials.agent = (await stack.issueToken(agent.id)).token;
});
afterAll(async () => {
  await stack?.close();
});

async function metricsText(): Promise<string> {
  return (await stack.http("GET", ROUTES.metrics)).text();
}
const sample = (text: string, prefix: string) =>
  text
    .split("\n")
    .filter((l) => l.startsWith(prefix))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);

/** Sends headers and half of the announced body, then closes the socket. */
function abortMidBody(path: string, requestId: string, bearer?: string): Promise<void> {
  const url = new URL(stack.gatewayUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      const body = '{"code":"BCDF-GHJK","device_name":"';
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 4096\r\nX-Request-Id: ${requestId}\r\n${bearer ? `Authorization: Bearer ${bearer}\r\n` : ""}\r\n${body}`,
        () => {
          socket.destroy();
          resolve();
        },
      );
    });
    socket.on("error", reject);
  });
}

describe("client aborts", () => {
  it.each([
    ["pairing exchange (before any authentication)", ROUTES.pairingExchange, null],
    ["POST /agents (a Launcher JWT)", ROUTES.agents, "owner"],
    ["a tool call (an agent token)", `${ROUTES.tools}/whoami`, "agent"],
  ] as const)("a body cut off on %s is a client abort, not a 500", async (_what, path, who) => {
    const requestId = `abort-${Math.random().toString(36).slice(2, 10)}`;
    const before = await metricsText();
    await abortMidBody(path, requestId, who ? credentials[who] : undefined);
    // the access line is written when the gateway has finished with the request
    await vi.waitFor(() => expect(stack.logs.some((l) => l.includes(requestId) && l.includes('"msg":"request"'))).toBe(true), { timeout: 5000, interval: 10 });
    const after = await metricsText();
    expect(sample(after, "nodedc_http_client_aborts_total") - sample(before, "nodedc_http_client_aborts_total")).toBe(1);
    expect(sample(after, 'nodedc_http_requests_total{method="POST"') - sample(before, 'nodedc_http_requests_total{method="POST"')).toBe(1);
    expect(sample(after, 'nodedc_http_requests_total{method="POST",route="') - sample(before, 'nodedc_http_requests_total{method="POST",route="')).toBe(1);
    expect(after).not.toMatch(new RegExp(`nodedc_http_requests_total\\{method="POST",route="[^"]*",status="5\\d\\d"\\}`));
    const lines = stack.logs.filter((l) => l.includes(requestId));
    expect(lines.some((l) => l.includes('"status":499'))).toBe(true);
    expect(lines.some((l) => l.includes("unhandled error") || l.includes('"level":"error"'))).toBe(false);
    expect(lines.some((l) => l.includes('"level":"warn"') && l.includes("client closed the request"))).toBe(true);
  });
});
