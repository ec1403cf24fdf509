import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentSessionSchema, healthzSchema, pairingExchangeResponseSchema, ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../src/testing/test-stack";
import { errorOf } from "../src/testing/responses";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe("gateway smoke", () => {
  it("is alive and ready", async () => {
    const health = await stack.http("GET", ROUTES.healthz);
    expect(health.status).toBe(200);
    expect(healthzSchema.parse(await health.json()).service).toBe("nodedc-tasker-gateway");
    const ready = await stack.http("GET", ROUTES.readyz);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ready" });
  });

  it("pairs a device and answers its agent session", async () => {
    const { agent } = await stack.createAgent("demo.owner@nodedc.local", "Smoke Codex");
    await stack.grant(agent.id, "DEMO", ["cards:read", "cards:write"]);
    const code = await stack.pairingCode(agent.id);
    expect(code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);

    const exchange = await stack.http("POST", ROUTES.pairingExchange, {
      body: { code: code.toLowerCase(), device_name: "laptop", client: { name: "nodedc-tasker", version: "0.1.0", platform: "linux" } },
    });
    expect(exchange.status).toBe(201);
    expect(exchange.headers.get("cache-control")).toBe("no-store");
    const paired = pairingExchangeResponseSchema.parse(await exchange.json());
    expect(paired.agent.id).toBe(agent.id);
    expect(paired.gateway_url).toBe(stack.gatewayUrl);
    expect(paired.grants.map((g) => g.project_identifier)).toEqual(["DEMO"]);

    const session = await stack.http("GET", ROUTES.agentSession, { bearer: paired.token });
    expect(session.status).toBe(200);
    const body = agentSessionSchema.parse(await session.json());
    expect(body.agent).toEqual({ id: agent.id, display_name: "Smoke Codex", status: "active" });
    expect(body.token.id).toBe(paired.token_id);
    expect(body.tools).toContain("create_card");
    expect(body.tools).not.toContain("add_comment");

    const again = await stack.http("POST", ROUTES.pairingExchange, {
      body: { code, device_name: "laptop", client: { name: "nodedc-tasker", version: "0.1.0", platform: "linux" } },
    });
    expect(again.status).toBe(400);
    expect((await errorOf(again)).code).toBe("pairing_code_invalid");
  });
});
