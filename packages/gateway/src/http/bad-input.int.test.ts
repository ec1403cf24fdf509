import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIMITS, routePath, ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";
import { errorOf, jsonOf } from "../testing/responses";

let stack: TestStack;
let jwt: string;
let agentId: string;
beforeAll(async () => {
  stack = await startTestStack();
  const created = await stack.createAgent("demo.owner@nodedc.local", "bad input");
  jwt = created.ownerJwt;
  agentId = created.agent.id;
});
afterAll(async () => {
  await stack?.close();
});

const client = { name: "nodedc-tasker", version: "0.1.0", platform: "linux" };

describe("bad input never gets a 5xx", () => {
  it("malformed JSON → 422 validation_failed with a clear message", async () => {
    for (const [path, bearer] of [[ROUTES.agents, true], [ROUTES.pairingExchange, false]] as const) {
      const error = await errorOf(await stack.http("POST", path, { bearer: bearer ? jwt : undefined, body: '{"display_name": "x",' }));
      expect([error.status, error.code]).toEqual([422, "validation_failed"]);
      expect(error.message).toMatch(/malformed JSON/);
    }
  });

  it.each<[string, unknown]>([
    ["a wrong type", { display_name: 42 }],
    ["an unknown field", { display_name: "ok", is_admin: true }],
    ["a missing field", {}],
    ["an empty name", { display_name: "   " }],
    ["a too long name", { display_name: "x".repeat(LIMITS.max_display_name_chars + 1) }],
    ["an array body", [{ display_name: "x" }]],
    ["a JSON string body", "\"hello\""],
    ["null", "null"],
  ])("POST /agents with %s → 422 naming the field", async (_name, body) => {
    const res = await stack.http("POST", ROUTES.agents, { bearer: jwt, body: typeof body === "string" ? body : JSON.stringify(body) });
    const error = await errorOf(res);
    expect([error.status, error.code]).toEqual([422, "validation_failed"]);
    expect(error.details).toMatchObject({ issues: expect.any(Array) });
  });

  it.each<[string, string, unknown]>([
    ["PATCH agent with nothing to change", "PATCH", {}],
    ["PATCH agent to a status humans cannot set", "PATCH", { status: "revoked" }],
    ["grant with an unknown scope", "POST grants", { workspace_slug: "nodedc", project_id: "9a4f3c1e-3c7e-4a53-8f8d-2a3f1b2c4d5e", scopes: ["cards:delete"] }],
    ["grant with a non-uuid project", "POST grants", { workspace_slug: "nodedc", project_id: "DEMO", scopes: ["cards:read"] }],
    ["grant with no scopes", "POST grants", { workspace_slug: "nodedc", project_id: "9a4f3c1e-3c7e-4a53-8f8d-2a3f1b2c4d5e", scopes: [] }],
    ["token with expires_in_days 0", "POST tokens", { expires_in_days: 0 }],
    ["token with expires_in_days as a string", "POST tokens", { expires_in_days: "30" }],
    ["token with an unknown field", "POST tokens", { scopes: ["cards:read"] }],
    ["pairing code TTL above 900 s", "POST codes", { expires_in_s: 901 }],
    ["pairing code TTL below 60 s", "POST codes", { expires_in_s: 59 }],
  ])("%s → 422", async (_name, what, body) => {
    const paths: Record<string, [string, string]> = {
      PATCH: ["PATCH", routePath(ROUTES.agent, { agent_id: agentId })],
      "POST grants": ["POST", routePath(ROUTES.agentGrants, { agent_id: agentId })],
      "POST tokens": ["POST", routePath(ROUTES.agentTokens, { agent_id: agentId })],
      "POST codes": ["POST", routePath(ROUTES.agentPairingCodes, { agent_id: agentId })],
    };
    const [method, path] = paths[what]!;
    const error = await errorOf(await stack.http(method, path, { bearer: jwt, body }));
    expect([error.status, error.code]).toEqual([422, "validation_failed"]);
  });

  it("pairing exchange with wrong types or unknown fields → 422 (not 400, not 500)", async () => {
    for (const body of [
      { code: 12345678, device_name: "d", client },
      { code: "BCDF-GHJK", device_name: "d", client: { ...client, extra: 1 } },
      { code: "BCDF-GHJK", device_name: "d", client, token: "x" },
      { code: "BCDF-GHJK", client },
    ]) {
      const error = await errorOf(await stack.http("POST", ROUTES.pairingExchange, { body }));
      expect([error.status, error.code]).toEqual([422, "validation_failed"]);
    }
  });

  it("query strings are validated too (unknown parameter, bad limit, bad cursor)", async () => {
    for (const query of ["?limit=0", "?limit=101", "?limit=ten", "?colour=red", "?cursor=garbage", "?since=yesterday", "?agent_id=1", "?limit=5&limit=6"]) {
      const error = await errorOf(await stack.http("GET", `${ROUTES.auditEvents}${query}`, { bearer: jwt }));
      expect([query, error.status, error.code]).toEqual([query, 422, "validation_failed"]);
    }
    const error = await errorOf(await stack.http("GET", `${ROUTES.agents}?cursor=${Buffer.from("{}").toString("base64url")}`, { bearer: jwt }));
    expect(error.status).toBe(422);
  });

  it("a malformed or foreign agent id in the path → 404, never 500", async () => {
    for (const id of ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "%00", "'; DROP TABLE agents; --"]) {
      const error = await errorOf(await stack.http("GET", `${ROUTES.agents}/${encodeURIComponent(id)}`, { bearer: jwt }));
      expect([id, error.status, error.code]).toEqual([id, 404, "not_found"]);
    }
  });

  it("a body over 256 KiB → 413, by Content-Length", async () => {
    const big = JSON.stringify({ display_name: "x", pad: "y".repeat(LIMITS.max_body_bytes) });
    const error = await errorOf(await stack.http("POST", ROUTES.agents, { bearer: jwt, body: big }));
    expect([error.status, error.code]).toEqual([413, "payload_too_large"]);
    // unauthenticated callers are refused the same way (the limit comes before auth)
    expect((await errorOf(await stack.http("POST", ROUTES.pairingExchange, { body: big }))).status).toBe(413);
  });

  it("a body over 256 KiB → 413, by streamed size (chunked, no Content-Length)", async () => {
    const url = new URL(ROUTES.pairingExchange, stack.gatewayUrl);
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(url, { method: "POST", headers: { "Content-Type": "application/json", "Transfer-Encoding": "chunked" } }, (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      const chunk = "y".repeat(16 * 1024);
      req.write('{"code":"');
      for (let i = 0; i < 20; i++) req.write(chunk);
      req.end('"}');
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error.code).toBe("payload_too_large");
  });

  it("just under the limit is read (and then judged on its content)", async () => {
    const pad = "y".repeat(LIMITS.max_body_bytes - 200);
    const error = await errorOf(await stack.http("POST", ROUTES.agents, { bearer: jwt, body: JSON.stringify({ display_name: "x", pad }) }));
    expect([error.status, error.code]).toEqual([422, "validation_failed"]);
  });
});

describe("request ids and the error shape", () => {
  it("echoes a sane X-Request-Id and replaces an invalid one", async () => {
    const kept = await stack.http("GET", ROUTES.agentSession, { headers: { "X-Request-Id": "trace-12345678" } });
    expect(kept.headers.get("x-request-id")).toBe("trace-12345678");
    expect((await errorOf(kept)).request_id).toBe("trace-12345678");
    const replaced = await stack.http("GET", ROUTES.healthz, { headers: { "X-Request-Id": "bad id with spaces" } });
    expect(replaced.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    const generated = await stack.http("GET", ROUTES.healthz);
    expect(generated.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("unknown routes and methods get the JSON 404", async () => {
    for (const [method, path] of [["GET", "/api/v1/nope"], ["DELETE", ROUTES.agents], ["GET", "/"]]) {
      const error = await errorOf(await stack.http(method!, path!, { bearer: jwt }));
      expect([error.status, error.code]).toEqual([404, "not_found"]);
    }
  });

  it("unknown tools → 404 tool_not_found for a valid token", async () => {
    const { token } = await stack.issueToken(agentId);
    const error = await errorOf(await stack.http("POST", routePath(ROUTES.tool, { name: "delete_everything" }), { bearer: token, body: { arguments: {} } }));
    expect([error.status, error.code]).toEqual([404, "tool_not_found"]);
  });

  it("errors are never cached", async () => {
    const res = await stack.http("GET", ROUTES.agents);
    expect(res.status).toBe(401);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect((await jsonOf(res)).error).toEqual({ code: "unauthenticated", message: expect.any(String), request_id: expect.any(String), retryable: false });
  });
});
