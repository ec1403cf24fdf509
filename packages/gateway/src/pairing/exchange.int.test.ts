import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizePairingCode, pairingExchangeResponseSchema, ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";
import { errorOf, jsonOf } from "../testing/responses";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const client = { name: "nodedc-tasker", version: "0.1.0", platform: "darwin" };
const exchange = (code: string, device_name = "laptop") => stack.http("POST", ROUTES.pairingExchange, { body: { code, device_name, client } });

async function newCode(name: string, body: { expires_in_s?: number } = {}) {
  const { agent } = await stack.createAgent("demo.owner@nodedc.local", name);
  await stack.grant(agent.id, "OPS", ["cards:read"]);
  return { agent, code: await stack.pairingCode(agent.id, body) };
}

async function invalidBody(res: Response) {
  const error = await errorOf(res);
  return { status: error.status, code: error.code, message: error.message, retryable: error.retryable, details: error.details };
}

describe("pairing exchange", () => {
  it("accepts the code in any case, with or without dash and spaces, and binds device and client", async () => {
    const { agent, code } = await newCode("normalised");
    const messy = ` ${code.toLowerCase().replace("-", " - ")} `;
    const res = await exchange(messy, "Anna's laptop");
    expect(res.status).toBe(201);
    const body = pairingExchangeResponseSchema.parse(await jsonOf(res));
    expect(body).toMatchObject({ agent: { id: agent.id, display_name: "normalised" }, owner: { user_id: stack.ownerUserIdOf("demo.owner@nodedc.local"), email: "demo.owner@nodedc.local" }, gateway_url: stack.gatewayUrl });
    expect(body.grants).toEqual([expect.objectContaining({ project_identifier: "OPS", scopes: ["cards:read"], workspace_slug: "nodedc" })]);
    const [row] = await stack.adminSql<{ device_name: string; client: unknown; created_via: string }[]>`SELECT device_name, client, created_via FROM agent_tokens WHERE id = ${body.token_id}`;
    expect(row).toEqual({ device_name: "Anna's laptop", client, created_via: "pairing" });
  });

  it("answers wrong, used and expired codes with one identical 400", async () => {
    const used = await newCode("used");
    expect((await exchange(used.code)).status).toBe(201);
    const expired = await newCode("expired");
    await stack.adminSql`UPDATE pairing_codes SET expires_at = now() - interval '1 second' WHERE agent_id = ${expired.agent.id}`;
    const revokedAgent = await newCode("revoked agent");
    await stack.http("POST", `${ROUTES.agents}/${revokedAgent.agent.id}/revoke`, { bearer: await stack.adminJwt(), body: {} });

    const answers = [
      await invalidBody(await exchange(used.code)),
      await invalidBody(await exchange(expired.code)),
      await invalidBody(await exchange(revokedAgent.code)),
      await invalidBody(await exchange("BCDF-GHJK")),
      await invalidBody(await exchange("AEIO-U123")),
      await invalidBody(await exchange("x")),
    ];
    expect(answers[0]).toMatchObject({ status: 400, code: "pairing_code_invalid", retryable: false });
    for (const a of answers) expect(a).toEqual(answers[0]);
  });

  it("does not pair an agent whose owner is blocked (same 400), and does once restored", async () => {
    const { code } = await newCode("blocked owner", {});
    const ownerId = stack.ownerUserIdOf("demo.owner@nodedc.local");
    const service = await stack.mintJwt({ sub: "svc", email: null, role: "service" });
    await stack.http("POST", `/api/v1/owners/${ownerId}/status`, { bearer: service, body: { status: "blocked" } });
    try {
      expect((await errorOf(await exchange(code))).code).toBe("pairing_code_invalid");
    } finally {
      await stack.http("POST", `/api/v1/owners/${ownerId}/status`, { bearer: service, body: { status: "active" } });
    }
    expect((await exchange(code)).status).toBe(201);
  });

  it("50 concurrent exchanges of one code → exactly one token", async () => {
    const { agent, code } = await newCode("race");
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => exchange(code, `device ${i}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(49);
    const tokens = await stack.adminSql`SELECT id FROM agent_tokens WHERE agent_id = ${agent.id}`;
    expect(tokens.count).toBe(1);
    const [pairing] = await stack.adminSql<{ consumed_token_id: string }[]>`SELECT consumed_token_id FROM pairing_codes WHERE agent_id = ${agent.id}`;
    expect(pairing!.consumed_token_id).toBe(tokens[0]!.id);
  });

  it("audits failed exchanges (without the code)", async () => {
    const res = await exchange("ZZZZ-ZZZZ", "audited device");
    const requestId = res.headers.get("x-request-id")!;
    expect(res.status).toBe(400);
    const rows = await stack.adminSql<{ outcome: string; error_code: string; actor_type: string; details: Record<string, unknown> }[]>`
      SELECT outcome, error_code, actor_type, details FROM audit_events WHERE request_id = ${requestId}`;
    expect(rows).toEqual([
      { outcome: "denied", error_code: "pairing_code_invalid", actor_type: "anonymous", details: expect.objectContaining({ reason: "unknown_used_or_expired", device_name: "audited device" }) },
    ]);
    expect(JSON.stringify(rows)).not.toContain("ZZZZ");
    expect(normalizePairingCode("ZZZZ-ZZZZ")).toBe("ZZZZZZZZ");
  });
});

describe("pairing exchange rate limits (held in Postgres)", () => {
  let limited: TestStack;
  beforeAll(async () => {
    limited = await startTestStack({ env: { PAIRING_RATE_LIMIT_PER_IP_PER_MIN: "3", PAIRING_RATE_LIMIT_GLOBAL_PER_MIN: "5", TRUST_PROXY: "2" } });
  });
  afterAll(async () => {
    await limited?.close();
  });

  it("refuses the 4th attempt per minute from one IP, and any attempt past the global limit, with 429 and Retry-After", async () => {
    const { agent } = await limited.createAgent("demo.owner@nodedc.local", "limited");
    const code = await limited.pairingCode(agent.id);
    const attempt = (c: string, ip = "203.0.113.7") =>
      limited.http("POST", ROUTES.pairingExchange, { body: { code: c, device_name: "d", client }, headers: { "X-Forwarded-For": `${ip}, 10.0.0.1` } });
    for (let i = 0; i < 3; i++) expect((await attempt("BCDF-GHJK")).status).toBe(400);
    const refused = await attempt(code);
    const error = await errorOf(refused);
    expect([error.status, error.code, error.retryable]).toEqual([429, "rate_limited", true]);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const rows = await limited.adminSql`SELECT 1 FROM audit_events WHERE action = 'pairing.exchange' AND error_code = 'rate_limited'`;
    expect(rows.count).toBe(1);
    // the code was not consumed by the refused attempt
    const [row] = await limited.adminSql<{ consumed_at: Date | null }[]>`SELECT consumed_at FROM pairing_codes WHERE agent_id = ${agent.id}`;
    expect(row!.consumed_at).toBeNull();

    // another IP has its own allowance, but the global one (5/min) is spent after one more
    expect((await attempt("BCDF-GHJK", "198.51.100.9")).status).toBe(400);
    const global = await errorOf(await attempt(code, "198.51.100.9"));
    expect([global.status, global.code]).toEqual([429, "rate_limited"]);
  });
});

describe("pairing limits behind a proxy (TRUST_PROXY=1)", () => {
  let proxied: TestStack;
  beforeAll(async () => {
    proxied = await startTestStack({ env: { PAIRING_RATE_LIMIT_PER_IP_PER_MIN: "3", TRUST_PROXY: "1" } });
  });
  afterAll(async () => {
    await proxied?.close();
  });

  it("a client rotating the left of X-Forwarded-For stays in its own bucket, and audit records the real hop", async () => {
    // the proxy appends the address it saw (203.0.113.77); everything left of it is the client's
    const attempt = (spoof: string) =>
      proxied.http("POST", ROUTES.pairingExchange, { body: { code: "BCDF-GHJK", device_name: "d", client }, headers: { "X-Forwarded-For": `${spoof}, 203.0.113.77` } });
    for (let i = 0; i < 3; i++) expect((await attempt(`192.0.2.${i}`)).status).toBe(400);
    const refused = await errorOf(await attempt("192.0.2.200"));
    expect([refused.status, refused.code]).toEqual([429, "rate_limited"]);
    const rows = await proxied.adminSql<{ ip: string }[]>`SELECT details->>'ip' AS ip FROM audit_events WHERE action = 'pairing.exchange'`;
    expect(rows.map((r) => r.ip)).toEqual(["203.0.113.77", "203.0.113.77", "203.0.113.77", "203.0.113.77"]);
  });
});
