import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { agentSchema, grantSchema, issuedTokenSchema, pairingCodeSchema, routePath, ROUTES, tokenListSchema } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";
import { errorOf, jsonOf } from "../testing/responses";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const OWNER = "demo.owner@nodedc.local";
const OTHER = "outsider@nodedc.local";

describe("agents", () => {
  it("creates for oneself, lists own only, and an admin sees and creates for anyone", async () => {
    const mine = await stack.createAgent(OWNER, "mine");
    const theirs = await stack.createAgent(OTHER, "theirs");
    expect(agentSchema.parse(mine.agent)).toMatchObject({ display_name: "mine", owner_user_id: mine.ownerUserId, status: "active", connection_status: "never_connected", last_seen_at: null });

    const list = await jsonOf(await stack.http("GET", ROUTES.agents, { bearer: mine.ownerJwt }));
    expect(list.items.map((a: { id: string }) => a.id)).toContain(mine.agent.id);
    expect(list.items.map((a: { id: string }) => a.id)).not.toContain(theirs.agent.id);

    const admin = await stack.adminJwt();
    const all = await jsonOf(await stack.http("GET", `${ROUTES.agents}?limit=100`, { bearer: admin }));
    expect(all.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining([mine.agent.id, theirs.agent.id]));

    const forSomeone = await stack.http("POST", ROUTES.agents, { bearer: admin, body: { display_name: "assigned", owner_user_id: "never-logged-in" } });
    expect(forSomeone.status).toBe(201);
    expect((await jsonOf(forSomeone)).owner_user_id).toBe("never-logged-in");

    const refused = await stack.http("POST", ROUTES.agents, { bearer: mine.ownerJwt, body: { display_name: "x", owner_user_id: theirs.ownerUserId } });
    expect((await errorOf(refused)).code).toBe("forbidden");
  });

  it("never lets a user act on another owner's agent (404 on every route)", async () => {
    const victim = await stack.createAgent(OWNER, "victim");
    const { token_id } = await stack.issueToken(victim.agent.id);
    const grant = await stack.grant(victim.agent.id, "DEMO", ["cards:read"]);
    const attacker = await stack.mintJwt({ sub: "attacker", email: "attacker@example.test" });
    const id = victim.agent.id;
    const attempts: [string, string, unknown?][] = [
      ["GET", routePath(ROUTES.agent, { agent_id: id })],
      ["PATCH", routePath(ROUTES.agent, { agent_id: id }), { status: "paused" }],
      ["POST", routePath(ROUTES.agentRevoke, { agent_id: id }), {}],
      ["GET", routePath(ROUTES.agentGrants, { agent_id: id })],
      ["POST", routePath(ROUTES.agentGrants, { agent_id: id }), { workspace_slug: "nodedc", project_id: FIXTURE.projects.demo.id, scopes: ["cards:write"] }],
      ["DELETE", routePath(ROUTES.agentGrant, { agent_id: id, grant_id: grant.id })],
      ["GET", routePath(ROUTES.agentTokens, { agent_id: id })],
      ["POST", routePath(ROUTES.agentTokens, { agent_id: id }), {}],
      ["POST", routePath(ROUTES.agentTokenRevoke, { agent_id: id, token_id }), {}],
      ["POST", routePath(ROUTES.agentPairingCodes, { agent_id: id }), {}],
    ];
    for (const [method, path, body] of attempts) {
      const error = await errorOf(await stack.http(method, path, { bearer: attacker, body }));
      expect([method, path, error.status, error.code]).toEqual([method, path, 404, "not_found"]);
    }
    // nothing changed
    const still = await jsonOf(await stack.http("GET", routePath(ROUTES.agent, { agent_id: id }), { bearer: victim.ownerJwt }));
    expect(still.status).toBe("active");
    const tokens = tokenListSchema.parse(await jsonOf(await stack.http("GET", routePath(ROUTES.agentTokens, { agent_id: id }), { bearer: victim.ownerJwt })));
    expect(tokens.items.map((t) => t.revoked_at)).toEqual([null]);
  });

  it("refuses the service role on owner routes and users on the owner-status route", async () => {
    const service = await stack.mintJwt({ sub: "svc", email: null, role: "service" });
    expect((await errorOf(await stack.http("GET", ROUTES.agents, { bearer: service }))).code).toBe("forbidden");
    const user = await stack.mintJwt({ sub: "plain-user" });
    const res = await stack.http("POST", routePath(ROUTES.ownerStatus, { user_id: "plain-user" }), { bearer: user, body: { status: "active" } });
    expect((await errorOf(res)).code).toBe("forbidden");
  });

  it("renames, paginates with an opaque cursor, newest first", async () => {
    const owner = `paging-${Date.now()}@example.test`;
    const created = [];
    for (let i = 0; i < 5; i++) created.push(await stack.createAgent(owner, `page ${i}`));
    const jwt = created[0]!.ownerJwt;
    const renamed = await stack.http("PATCH", routePath(ROUTES.agent, { agent_id: created[0]!.agent.id }), { bearer: jwt, body: { display_name: "renamed" } });
    expect((await jsonOf(renamed)).display_name).toBe("renamed");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; next_cursor: string | null } = await jsonOf(
        await stack.http("GET", `${ROUTES.agents}?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { bearer: jwt }),
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(created.map((c) => c.agent.id).reverse());
  });
});

describe("grants", () => {
  it("grants a project the owner is a member of, with its name and identifier; regranting replaces scopes", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "granted");
    const path = routePath(ROUTES.agentGrants, { agent_id: agent.id });
    const first = await stack.http("POST", path, { bearer: ownerJwt, body: { workspace_slug: "nodedc", project_id: FIXTURE.projects.ops.id, scopes: ["cards:read"] } });
    expect(first.status).toBe(201);
    expect(grantSchema.parse(await jsonOf(first))).toMatchObject({ project_identifier: "OPS", project_name: "Operations", scopes: ["cards:read"] });
    const again = await stack.http("POST", path, { bearer: ownerJwt, body: { workspace_slug: "nodedc", project_id: FIXTURE.projects.ops.id, scopes: ["cards:read", "comments:write"] } });
    expect(again.status).toBe(200);
    const list = await jsonOf(await stack.http("GET", path, { bearer: ownerJwt }));
    expect(list).toEqual({ items: [expect.objectContaining({ project_id: FIXTURE.projects.ops.id, scopes: ["cards:read", "comments:write"] })], next_cursor: null });
  });

  it("refuses a project the owner is not a member of (also for an admin acting for them), and audits it", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "overreach");
    const path = routePath(ROUTES.agentGrants, { agent_id: agent.id });
    const body = { workspace_slug: "nodedc", project_id: FIXTURE.projects.secret.id, scopes: ["cards:read"] };
    expect((await errorOf(await stack.http("POST", path, { bearer: ownerJwt, body }))).code).toBe("forbidden");
    expect((await errorOf(await stack.http("POST", path, { bearer: await stack.adminJwt(), body }))).code).toBe("forbidden");
    const outsider = await stack.createAgent(OTHER, "outsider");
    const res = await stack.http("POST", routePath(ROUTES.agentGrants, { agent_id: outsider.agent.id }), { bearer: outsider.ownerJwt, body: { ...body, project_id: FIXTURE.projects.demo.id } });
    expect((await errorOf(res)).code).toBe("forbidden");
    const denied = await stack.adminSql`SELECT 1 FROM audit_events WHERE agent_id = ${agent.id} AND action = 'grant.create' AND outcome = 'denied'`;
    expect(denied.count).toBe(2);
    expect(await jsonOf(await stack.http("GET", path, { bearer: ownerJwt }))).toEqual({ items: [], next_cursor: null });
  });

  it("refuses another workspace (422) and an unknown project (403: nobody is a member)", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "elsewhere");
    const path = routePath(ROUTES.agentGrants, { agent_id: agent.id });
    const other = await stack.http("POST", path, { bearer: ownerJwt, body: { workspace_slug: "other", project_id: FIXTURE.projects.demo.id, scopes: ["cards:read"] } });
    expect((await errorOf(other)).status).toBe(422);
    const unknown = await stack.http("POST", path, { bearer: ownerJwt, body: { workspace_slug: "nodedc", project_id: "0b1d7a52-93a4-4c52-9d26-5a0f3e8b1c77", scopes: ["cards:read"] } });
    const error = await errorOf(unknown);
    expect([error.status, error.code]).toEqual([403, "forbidden"]);
  });

  it("deletes a grant, and the agent loses the project on its next call", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "ungranted");
    const grant = await stack.grant(agent.id, "DEMO", ["cards:read"]);
    const { token } = await stack.issueToken(agent.id);
    expect((await jsonOf(await stack.http("GET", ROUTES.agentSession, { bearer: token }))).grants).toHaveLength(1);
    const del = await stack.http("DELETE", routePath(ROUTES.agentGrant, { agent_id: agent.id, grant_id: grant.id }), { bearer: ownerJwt });
    expect(del.status).toBe(200);
    expect((await jsonOf(await stack.http("GET", ROUTES.agentSession, { bearer: token }))).grants).toEqual([]);
    expect((await errorOf(await stack.http("DELETE", routePath(ROUTES.agentGrant, { agent_id: agent.id, grant_id: grant.id }), { bearer: ownerJwt }))).status).toBe(404);
  });
});

describe("tokens", () => {
  it("issues once with no-store, lists metadata only, revokes", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "tokens");
    const path = routePath(ROUTES.agentTokens, { agent_id: agent.id });
    const res = await stack.http("POST", path, { bearer: ownerJwt, body: { name: "ci", expires_in_days: 7 } });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const issued = issuedTokenSchema.parse(await jsonOf(res));
    expect(issued.token).toMatch(/^ndca_[0-9A-Za-z]{46}$/);
    expect(issued.last4).toBe(issued.token.slice(-4));
    const days = (Date.parse(issued.expires_at!) - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(7);

    const listRes = await stack.http("GET", path, { bearer: ownerJwt });
    const text = await listRes.text();
    expect(text).not.toContain(issued.token);
    expect(text).not.toContain(issued.token.slice(5, 45));
    const list = tokenListSchema.parse(JSON.parse(text));
    expect(list.items).toEqual([expect.objectContaining({ id: issued.id, name: "ci", revoked_at: null })]);

    const revoked = await stack.http("POST", routePath(ROUTES.agentTokenRevoke, { agent_id: agent.id, token_id: issued.id }), { bearer: ownerJwt, body: {} });
    expect((await jsonOf(revoked)).revoked_at).toEqual(expect.any(String));
    expect((await errorOf(await stack.http("POST", routePath(ROUTES.agentTokenRevoke, { agent_id: agent.id, token_id: "3f1e5c1a-0000-4000-8000-000000000000" }), { bearer: ownerJwt, body: {} }))).status).toBe(404);
  });
});

describe("pairing codes", () => {
  it("returns code, expiry and the pair command; TTL default 600 s and configurable", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "pairing");
    const path = routePath(ROUTES.agentPairingCodes, { agent_id: agent.id });
    const res = await stack.http("POST", path, { bearer: ownerJwt, body: {} });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const created = pairingCodeSchema.parse(await jsonOf(res));
    expect(created.code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(created.command).toBe(`npx nodedc-tasker pair ${created.code} --gateway ${stack.gatewayUrl}`);
    expect(Math.round((Date.parse(created.expires_at) - Date.now()) / 1000 / 60)).toBe(10);
    const short = pairingCodeSchema.parse(await jsonOf(await stack.http("POST", path, { bearer: ownerJwt, body: { expires_in_s: 120 } })));
    expect(Math.round((Date.parse(short.expires_at) - Date.now()) / 1000 / 60)).toBe(2);
  });
});

describe("owner status push", () => {
  it("is refused for plain users and validated", async () => {
    const admin = await stack.adminJwt();
    const bad = await stack.http("POST", routePath(ROUTES.ownerStatus, { user_id: "x" }), { bearer: admin, body: { status: "deleted" } });
    expect((await errorOf(bad)).status).toBe(422);
    const ok = await stack.http("POST", routePath(ROUTES.ownerStatus, { user_id: "unknown-yet" }), { bearer: admin, body: { status: "blocked", reason: "test" } });
    expect(await jsonOf(ok)).toMatchObject({ user_id: "unknown-yet", status: "blocked", status_changed_at: expect.any(String) });
    await stack.http("POST", routePath(ROUTES.ownerStatus, { user_id: "unknown-yet" }), { bearer: admin, body: { status: "active" } });
    const events = await stack.adminSql<{ actor_type: string; details: { previous: { status: string | null }; status: string; reason?: string } }[]>`
      SELECT actor_type, details FROM audit_events WHERE action = 'owner.status' AND owner_user_id = 'unknown-yet' ORDER BY occurred_at`;
    expect(events.map((e) => [e.actor_type, e.details.previous.status, e.details.status])).toEqual([
      ["user", null, "blocked"],
      ["user", "blocked", "active"],
    ]);
    expect(events[0]!.details.reason).toBe("test");
  });
});
