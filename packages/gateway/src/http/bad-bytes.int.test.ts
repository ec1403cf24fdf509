import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routePath, ROUTES } from "@nodedc/shared";
import { errorOf, jsonOf } from "../testing/responses";
import { DEMO, FULL, freshKey, startToolStack, type ToolAgent, type ToolStack } from "../tools/testing/tool-stack.test-support";

/**
 * DESIGN §9 rule 11: no input can make an audit event fail to be written, and no input
 * reaches the database as a byte it refuses. NUL and unpaired surrogates get a 422 naming
 * the field (never a 500), and the refused attempt still leaves its audit event.
 */
let t: ToolStack;
let agent: ToolAgent;
beforeAll(async () => {
  t = await startToolStack();
  agent = await t.agentWith([{ project: "DEMO", scopes: FULL }]);
});
afterAll(async () => {
  await t?.stack.close();
});

const BAD_BYTES: [string, string][] = [
  ["NUL", "a\u0000b"],
  ["an unpaired surrogate", "a\uD83Db"],
];
const client = { name: "nodedc-tasker", version: "0.1.0", platform: "linux" };

async function expect422(res: Response, path: string): Promise<void> {
  const error = await errorOf(res);
  expect([error.status, error.code, error.retryable]).toEqual([422, "validation_failed", false]);
  expect((error.details as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(path);
}

describe.each(BAD_BYTES)("hard rule 11: %s in a text field → 422 naming it", (_what, bad) => {
  it("POST /agents display_name", async () => {
    await expect422(await t.stack.http("POST", ROUTES.agents, { bearer: agent.ownerJwt, body: { display_name: bad } }), "body.display_name");
  });

  it("PATCH /agents/{id} display_name", async () => {
    const path = routePath(ROUTES.agent, { agent_id: agent.id });
    await expect422(await t.stack.http("PATCH", path, { bearer: agent.ownerJwt, body: { display_name: bad } }), "body.display_name");
  });

  it("POST /owners/{id}/status reason", async () => {
    const path = routePath(ROUTES.ownerStatus, { user_id: "user-someone@nodedc.local" });
    await expect422(await t.stack.http("POST", path, { bearer: await t.stack.adminJwt(), body: { status: "active", reason: bad } }), "body.reason");
  });

  it("POST /agents/{id}/tokens name", async () => {
    const path = routePath(ROUTES.agentTokens, { agent_id: agent.id });
    await expect422(await t.stack.http("POST", path, { bearer: agent.ownerJwt, body: { name: bad } }), "body.name");
  });

  it("a Launcher JWT whose sub holds it → 401, not 500", async () => {
    const jwt = await t.stack.mintJwt({ sub: `user-${bad}`, email: "sub-probe@example.test" });
    const error = await errorOf(await t.stack.http("GET", ROUTES.agents, { bearer: jwt }));
    expect([error.status, error.code]).toEqual([401, "unauthenticated"]);
  });

  it("create_card title: refused before any Tasker call", async () => {
    const seq = t.stack.sandbox.requestLog.lastSeq;
    const r = await t.call(agent, "create_card", { project_id: DEMO, title: `title ${bad}`, idempotency_key: freshKey() });
    expect([r.status, r.body.error.code, r.body.error.retryable]).toEqual([422, "validation_failed", false]);
    expect(r.body.error.details.issues.map((i: { path: string }) => i.path)).toContain("arguments.title");
    expect(t.stack.sandbox.requestLog.since(seq).filter((e) => e.method === "POST")).toHaveLength(0);
  });

  it("report_session summary with it after the 200th character: no comment, the same 422 on retry", async () => {
    const seq = t.stack.sandbox.requestLog.lastSeq;
    const args = { project_id: DEMO, card_id: "DEMO-1", status: "progress", summary: `${"s".repeat(250)}${bad}`, idempotency_key: freshKey() };
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await t.call(agent, "report_session", args);
      expect([r.status, r.body.error.code, r.body.error.retryable]).toEqual([422, "validation_failed", false]);
      expect(r.body.error.details.issues.map((i: { path: string }) => i.path)).toContain("arguments.summary");
    }
    expect(t.stack.sandbox.requestLog.since(seq).filter((e) => e.method === "POST")).toHaveLength(0);
  });

  it("a failed pairing with it in device_name is refused and still audited", async () => {
    const res = await t.stack.http("POST", ROUTES.pairingExchange, { body: { code: "BCDF-GHJK", device_name: `evil${bad}`, client } });
    await expect422(res, "body.device_name");
    const requestId = res.headers.get("X-Request-Id")!;
    const [row] = await t.stack.adminSql<{ outcome: string; error_code: string; details: Record<string, unknown> }[]>`
      SELECT outcome, error_code, details FROM audit_events WHERE request_id = ${requestId} AND action = 'pairing.exchange'`;
    expect(row).toMatchObject({ outcome: "denied", error_code: "validation_failed", details: { reason: "malformed_request", device_name: "evila\uFFFDb" } });
    expect(JSON.stringify(row!.details)).not.toContain("BCDF");
  });
});

// A URL cannot carry an unpaired surrogate (it has no UTF-8 form): paths and queries get NUL.
describe("hard rule 11: NUL in a path or a query parameter", () => {
  it("GET /audit-events?action= (a query parameter)", async () => {
    const res = await t.stack.http("GET", `${ROUTES.auditEvents}?action=%00`, { bearer: agent.ownerJwt });
    await expect422(res, "query.action");
  });

  it("a refused pairing body is audited with its device fields cut to size, nothing else", async () => {
    const body = { code: "BCDF-GHJK", device_name: "d".repeat(5000), client: { name: "n".repeat(5000), version: "1", platform: "linux", extra: "x".repeat(5000) } };
    const res = await t.stack.http("POST", ROUTES.pairingExchange, { body });
    expect((await errorOf(res)).status).toBe(422);
    const [row] = await t.stack.adminSql<{ details: { device_name: string; client: Record<string, string> } }[]>`
      SELECT details FROM audit_events WHERE request_id = ${res.headers.get("X-Request-Id")!} AND action = 'pairing.exchange'`;
    expect(row!.details.device_name).toBe("d".repeat(120));
    expect(row!.details.client).toEqual({ name: "n".repeat(64), version: "1", platform: "linux" });
  });

  it("an unknown tool whose name holds it → 404, audited", async () => {
    const res = await t.stack.http("POST", `${ROUTES.tools}/evil%00`, { bearer: agent.token, body: { arguments: {} } });
    expect((await errorOf(res)).status).toBe(404);
    const [row] = await t.stack.adminSql<{ details: { requested: string } }[]>`
      SELECT details FROM audit_events WHERE request_id = ${res.headers.get("X-Request-Id")!} AND action = 'tool.unknown'`;
    expect(row!.details.requested).toBe("evil\uFFFD");
  });
});

describe("text is cut by code point", () => {
  it("create_card accepts 119 × a + an emoji (a UTF-16 cut would split it)", async () => {
    const title = `${"a".repeat(119)}😀`;
    const r = await t.call(agent, "create_card", { project_id: DEMO, title, idempotency_key: freshKey() });
    expect(r.status).toBe(200);
    const [row] = await t.stack.adminSql<{ details: { title: string } }[]>`
      SELECT details FROM audit_events WHERE request_id = ${r.headers.get("X-Request-Id")!} AND action = 'tool.create_card' AND outcome = 'allowed'`;
    expect(row!.details.title).toBe(title);
  });

  it("report_session accepts an emoji across the 200th character of its summary", async () => {
    const summary = `${"s".repeat(199)}😀 and more`;
    const r = await t.call(agent, "report_session", { project_id: DEMO, card_id: "DEMO-1", status: "progress", summary, idempotency_key: freshKey() });
    expect(r.status).toBe(200);
    const [row] = await t.stack.adminSql<{ details: { summary: string } }[]>`
      SELECT details FROM audit_events WHERE request_id = ${r.headers.get("X-Request-Id")!} AND action = 'tool.report_session' AND outcome = 'allowed'`;
    expect(row!.details.summary).toBe(`${"s".repeat(199)}😀`);
  });
});

describe("a failed audit write is an alarm", () => {
  it("counts nodedc_audit_write_failures_total and logs an error", async () => {
    const metric = async () => {
      const text = await (await t.stack.http("GET", ROUTES.metrics)).text();
      const line = text.split("\n").find((l) => l.startsWith('nodedc_audit_write_failures_total{action="test.alarm",outcome="denied"}'));
      return line ? Number(line.split(" ").at(-1)) : 0;
    };
    const before = await metric();
    // a value no input can produce (agent ids come from the database): the INSERT fails
    const failed = await t.stack.deps
      .audit.relaxed({ actor_type: "agent", agent_id: "not-a-uuid", action: "test.alarm", outcome: "denied", request_id: "req-alarm" })
      .then(() => false, () => true);
    expect(failed).toBe(true);
    expect(await metric()).toBe(before + 1);
    expect(t.stack.logs.some((l) => l.includes('"audit event could not be written"') && l.includes("req-alarm") && l.includes('"level":"error"'))).toBe(true);
  });
});

describe("an audit event holding bad bytes is written", () => {
  it("details, keys and text columns with NUL or unpaired surrogates are stored with U+FFFD", async () => {
    const row = await t.stack.deps.audit.durable({
      actor_type: "anonymous",
      action: "test.bytes\u0000",
      outcome: "denied",
      error_code: "x\uD800",
      request_id: "req-bytes\u0000",
      details: { "k\u0000": "v\u0000", nested: [{ s: "\uDC00" }], n: 1, big: 10n },
    });
    const [stored] = await t.stack.adminSql<{ action: string; error_code: string; request_id: string; details: unknown }[]>`
      SELECT action, error_code, request_id, details FROM audit_events WHERE id = ${row.id}`;
    expect(stored).toEqual({
      action: "test.bytes\uFFFD",
      error_code: "x\uFFFD",
      request_id: "req-bytes\uFFFD",
      details: { "k\uFFFD": "v\uFFFD", nested: [{ s: "\uFFFD" }], n: 1, big: "10" },
    });
  });

  it("a circular or very deep detail does not fail the event", async () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10; i++) deep = { deep };
    const row = await t.stack.deps.audit.durable({ actor_type: "system", action: "test.shape", outcome: "allowed", request_id: "req-shape", details: { loop, deep } });
    const [stored] = await t.stack.adminSql<{ details: { loop: { self: unknown } } }[]>`SELECT details FROM audit_events WHERE id = ${row.id}`;
    expect(stored!.details.loop.self).toBe("[circular]");
    expect(JSON.stringify(stored!.details)).toContain("[nested too deep]");
  });

  it("GET /audit-events returns such an event", async () => {
    const page = await jsonOf(await t.stack.http("GET", `${ROUTES.auditEvents}?action=${encodeURIComponent("test.bytes\uFFFD")}`, { bearer: await t.stack.adminJwt() }));
    expect(page.items).toHaveLength(1);
  });
});
