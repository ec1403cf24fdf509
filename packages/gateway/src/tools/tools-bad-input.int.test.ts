import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { routePath, ROUTES, TOOL_NAMES, TOOL_SPECS } from "@nodedc/shared";
import { z } from "zod";
import { toolDepsFrom } from "./tool-deps";
import { HttpError } from "../http/http-error";
import { defineTool } from "./tool-definition";
import { runToolCall } from "./pipeline/run-tool-call";
import { DEMO, FULL, OPS, SECRET, expectOnlyAllowlistedTaskerCalls, freshKey, startToolStack, type ToolAgent, type ToolStack } from "./testing/tool-stack.test-support";

let t: ToolStack;
let agent: ToolAgent;
let reader: ToolAgent;

beforeAll(async () => {
  t = await startToolStack();
  agent = await t.agentWith([{ project: "DEMO", scopes: FULL }, { project: "OPS", scopes: ["cards:read"] }]);
  reader = await t.agentWith([{ project: "DEMO", scopes: ["cards:read"] }], "Read-only Codex");
});
afterAll(async () => {
  if (t) expectOnlyAllowlistedTaskerCalls(t.stack);
  await t?.stack.close();
});

/** A valid argument set per tool (writes get a fresh key at call time). */
const VALID: Record<string, Record<string, unknown>> = {
  whoami: {},
  list_projects: {},
  describe_project: { project_id: DEMO },
  search_cards: { project_id: DEMO },
  get_card: { project_id: DEMO, card: "DEMO-1" },
  get_recent_activity: { project_id: DEMO },
  create_card: { project_id: DEMO, title: "valid" },
  update_card: { project_id: DEMO, card_id: "DEMO-1", priority: "low" },
  add_comment: { project_id: DEMO, card_id: "DEMO-1", body_markdown: "hi" },
  report_session: { project_id: DEMO, card_id: "DEMO-1", status: "progress", summary: "ok" },
};
/** A field of the wrong type per tool. */
const WRONG_TYPE: Record<string, [string, unknown]> = {
  describe_project: ["project_id", 42],
  search_cards: ["limit", "ten"],
  get_card: ["card", { id: 1 }],
  get_recent_activity: ["since", "yesterday"],
  create_card: ["priority", "asap"],
  update_card: ["label_ids", "not-a-list"],
  add_comment: ["body_markdown", ["x"]],
  report_session: ["status", "done"],
};
const WRITES = new Set(["create_card", "update_card", "add_comment", "report_session"]);
const withKey = (tool: string, args: Record<string, unknown>) => (WRITES.has(tool) ? { ...args, idempotency_key: freshKey() } : args);

describe.each([...TOOL_NAMES])("%s with bad input", (tool) => {
  it("rejects an unknown extra field with 422 validation_failed listing it", async () => {
    const r = await t.call(agent, tool, withKey(tool, { ...VALID[tool], surprise: true }));
    expect([r.status, r.body.error.code], r.text).toEqual([422, "validation_failed"]);
    expect(JSON.stringify(r.body.error.details.issues)).toContain("surprise");
  });

  it("rejects missing required arguments with 422 (or names the missing project)", async () => {
    const required = Object.keys(VALID[tool]!).filter((k) => !["limit", "cursor", "since", "priority"].includes(k));
    if (required.length === 0) {
      expect((await t.call(agent, tool, {})).status).toBe(200);
      return;
    }
    for (const missing of required) {
      const args = { ...VALID[tool] };
      delete args[missing];
      const r = await t.call(agent, tool, withKey(tool, args));
      expect([r.status, r.body.error.code], `${tool} without ${missing}: ${r.text}`).toEqual([422, "validation_failed"]);
    }
  });

  it("rejects wrong-typed arguments with 422", async () => {
    const wrong = WRONG_TYPE[tool];
    if (!wrong) {
      const r = await t.call(agent, tool, [] as unknown);
      expect(r.status).toBe(422);
      return;
    }
    const r = await t.call(agent, tool, withKey(tool, { ...VALID[tool], [wrong[0]]: wrong[1] }));
    expect([r.status, r.body.error.code], r.text).toEqual([422, "validation_failed"]);
    expect(JSON.stringify(r.body.error.details)).toContain(wrong[0]);
  });

  it("refuses a project outside the grants with 403 and zero Tasker calls", async () => {
    if (!("project_id" in VALID[tool]!)) return;
    for (const project of [SECRET, "0d0c0002-0000-4000-8000-0000000000ff"]) {
      const seq = t.stack.sandbox.requestLog.lastSeq;
      const r = await t.call(agent, tool, withKey(tool, { ...VALID[tool], project_id: project }));
      expect([r.status, r.body.error.code], r.text).toEqual([403, "project_not_granted"]);
      expect(t.stack.sandbox.requestLog.since(seq)).toEqual([]);
    }
  });

  it("enforces scopes: a read-only grant cannot call write tools", async () => {
    const r = await t.call(reader, tool, withKey(tool, VALID[tool]!));
    if (WRITES.has(tool)) {
      expect([r.status, r.body.error.code], r.text).toEqual([403, "scope_missing"]);
    } else {
      expect(r.status, r.text).toBe(200);
    }
  });
});

describe("pipeline edges", () => {
  it("unknown tools and path tricks → 404 tool_not_found", async () => {
    for (const name of ["delete_card", "archive_project", "..%2Fagents", "http:%2F%2Fevil", "WHOAMI"]) {
      const r = await t.call(agent, name, {});
      expect(r.status).toBe(404);
      if (r.body?.error) expect(["tool_not_found", "not_found"]).toContain(r.body.error.code);
    }
  });

  it("OPS (cards:read only) refuses writes with scope_missing even though DEMO allows them", async () => {
    const r = await t.call(agent, "create_card", { project_id: OPS, title: "x", idempotency_key: freshKey() });
    expect([r.status, r.body.error.code]).toEqual([403, "scope_missing"]);
  });

  it("GET /tools lists only what the token may use", async () => {
    const res = await t.stack.http("GET", "/api/v1/tools", { bearer: reader.token });
    const names = ((await res.json()) as { tools: { name: string }[] }).tools.map((x) => x.name);
    expect(names).toEqual(["whoami", "list_projects", "describe_project", "search_cards", "get_card", "get_recent_activity"]);
  });

  it("a malformed body or arguments that are not an object → 422", async () => {
    const r1 = await t.call(agent, "whoami", null, { rawBody: "{not json" });
    expect([r1.status, r1.body.error.code]).toEqual([422, "validation_failed"]);
    const r2 = await t.call(agent, "whoami", null, { rawBody: JSON.stringify({ arguments: "x" }) });
    expect(r2.status).toBe(422);
    const r3 = await t.call(agent, "whoami", null, { rawBody: JSON.stringify({ arguments: {}, extra: 1 }) });
    expect(r3.status).toBe(422);
  });

  it("without a token → 401; with a blocked owner → 403 owner_inactive and no replay", async () => {
    expect((await t.call("ndca_garbage", "whoami", {})).status).toBe(401);
    const victim = await t.agentWith([{ project: "DEMO", scopes: FULL }], "Soon blocked");
    const key = freshKey();
    expect((await t.call(victim, "create_card", { project_id: DEMO, title: `blocked ${key}` }, { key })).status).toBe(200);
    const service = await t.stack.mintJwt({ sub: "launcher", role: "service" });
    const ownerId = t.stack.ownerUserIdOf(FIXTURE.users.demoOwner.email);
    const block = await t.stack.http("POST", routePath(ROUTES.ownerStatus, { user_id: ownerId }), { bearer: service, body: { status: "blocked" } });
    expect(block.status).toBeLessThan(300);
    try {
      const r = await t.call(victim, "create_card", { project_id: DEMO, title: `blocked ${key}` }, { key });
      expect([r.status, r.body.error.code]).toEqual([403, "owner_inactive"]);
      expect(r.headers.get("idempotent-replayed")).toBeNull();
    } finally {
      const lift = await t.stack.http("POST", routePath(ROUTES.ownerStatus, { user_id: ownerId }), { bearer: service, body: { status: "active" } });
      expect(lift.status).toBeLessThan(300);
    }
  });
});

describe("audit and output checks", () => {
  it("audits denied calls (project_not_granted) with the agent, token and error code", async () => {
    const r = await t.call(agent, "get_card", { project_id: SECRET, card: "SECRET-1" });
    expect(r.status).toBe(403);
    const requestId = r.headers.get("x-request-id")!;
    let rows: { outcome: string; error_code: string; token_id: string; tool: string }[] = [];
    for (let i = 0; i < 50 && rows.length === 0; i++) {
      rows = (await t.stack.adminSql`SELECT outcome, error_code, token_id::text, tool FROM audit_events WHERE request_id = ${requestId}`) as never;
      if (rows.length === 0) await new Promise((res) => setTimeout(res, 20));
    }
    expect(rows).toEqual([{ outcome: "denied", error_code: "project_not_granted", token_id: agent.tokenId, tool: "get_card" }]);
  });

  it("a result that does not match the output schema is a 500 internal, logged, never sent", async () => {
    const broken = defineTool({
      spec: {
        ...TOOL_SPECS.whoami,
        title: "broken",
        description: "returns Tasker text without its envelope",
        inputSchema: z.strictObject({}),
        outputSchema: z.object({ title: z.string().refine((v) => v.startsWith("<tasker-content")) }),
      },
      handler: async () => ({ title: "raw text from Tasker" }),
    });
    const session = await t.stack.http("GET", "/api/v1/agent-session", { bearer: agent.token });
    const me = (await session.json()) as { agent: { id: string; display_name: string }; owner: { user_id: string; email: string }; token: { id: string; prefix: string; last4: string; expires_at: string | null } };
    const caller = { agent: { ...me.agent, status: "active" as const }, owner: me.owner, token: me.token, grants: [] };
    const error = await runToolCall(
      toolDepsFrom(t.stack.deps),
      {
        authentication: { agent: caller, epoch: null, fromDatabase: () => Promise.reject(new Error("read from the database: not asked")) },
        requestId: "req-broken-output",
        toolName: broken.name,
        readArguments: async () => ({}),
        headerKey: undefined,
      },
      () => broken,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe("internal");
    expect(t.stack.logs.some((l) => l.includes("req-broken-output") && l.includes("does not match its output schema"))).toBe(true);
  });
});

describe("grants of owners who left the Tasker project", () => {
  it("refuses the grant (403 project_not_granted) when the owner is not a member of the Tasker project", async () => {
    // Only a grant written behind the API's back can exist for a non-member: the grant
    // API refuses to create one. It stands for an owner removed from the project later.
    const outsider = await t.agentWith([], "Outsider's Codex", FIXTURE.users.outsider.email);
    await t.stack.adminSql`
      INSERT INTO grants (agent_id, workspace_slug, project_id, project_identifier, project_name, scopes)
      VALUES (${outsider.id}, 'nodedc', ${DEMO}, 'DEMO', 'Demo project', ${["cards:read"]})`;
    const r = await t.call(outsider, "describe_project", { project_id: DEMO });
    expect([r.status, r.body.error.code], r.text).toEqual([403, "project_not_granted"]);
    expect(r.body.error.details.reason).toBe("owner_not_member");
    expect((await t.call(agent, "describe_project", { project_id: DEMO })).status).toBe(200);
  });
});

describe("rate limits", () => {
  let limited: ToolStack;
  let a: ToolAgent;
  beforeAll(async () => {
    limited = await startToolStack({ env: { AGENT_RATE_LIMIT_PER_MIN: "3", OWNER_RATE_LIMIT_PER_MIN: "1000" } });
    a = await limited.agentWith([{ project: "DEMO", scopes: ["cards:read"] }]);
  });
  afterAll(async () => {
    await limited?.stack.close();
  });

  it("answers 429 with Retry-After and RateLimit headers past the per-token limit", async () => {
    // Windows are fixed minutes: a boundary may reset the count once, so allow up to 7 calls.
    const statuses: number[] = [];
    let last: Awaited<ReturnType<ToolStack["call"]>> | null = null;
    for (let i = 0; i < 7 && last?.status !== 429; i++) {
      last = await limited.call(a, "whoami", {});
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.at(-1)).toBe(429);
    expect(last!.body.error.code).toBe("rate_limited");
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(last!.headers.get("ratelimit-limit")).toBe("3");
    expect(last!.headers.get("ratelimit-remaining")).toBe("0");
  });
});
