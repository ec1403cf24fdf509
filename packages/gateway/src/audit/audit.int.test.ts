import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEventListSchema, routePath, ROUTES } from "@nodedc/shared";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { startTestStack, type TestStack } from "../testing/test-stack";
import { errorOf, jsonOf } from "../testing/responses";
import { sqlStateOf, SQLSTATE } from "../db/errors";
import { recordAudit } from "./record-audit";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe("audit events", () => {
  it("records every lifecycle action with actor, agent, owner, token and request id", async () => {
    const { agent, ownerJwt, ownerUserId } = await stack.createAgent("demo.owner@nodedc.local", "audited");
    await stack.grant(agent.id, "DEMO", ["cards:read"]);
    const { token_id, token } = await stack.issueToken(agent.id);
    await stack.pairingCode(agent.id);
    await stack.http("GET", ROUTES.agentSession, { bearer: token });
    await stack.http("PATCH", routePath(ROUTES.agent, { agent_id: agent.id }), { bearer: ownerJwt, body: { status: "paused" } });
    await stack.http("POST", routePath(ROUTES.agentTokenRevoke, { agent_id: agent.id, token_id }), { bearer: ownerJwt, body: {} });
    await stack.http("POST", routePath(ROUTES.agentRevoke, { agent_id: agent.id }), { bearer: ownerJwt, body: {} });

    const page = auditEventListSchema.parse(await jsonOf(await stack.http("GET", `${ROUTES.auditEvents}?agent_id=${agent.id}&limit=100`, { bearer: ownerJwt })));
    expect(page.items.map((e) => e.action).reverse()).toEqual([
      "agent.create",
      "grant.create",
      "token.issue",
      "pairing_code.create",
      "agent_session.read",
      "agent.pause",
      "token.revoke",
      "agent.revoke",
    ]);
    for (const e of page.items) {
      expect(e).toMatchObject({ agent_id: agent.id, owner_user_id: ownerUserId, outcome: "allowed", request_id: expect.any(String) });
    }
    const byAction = Object.fromEntries(page.items.map((e) => [e.action, e]));
    expect(byAction["agent_session.read"]).toMatchObject({ actor_type: "agent", token_id });
    expect(byAction["token.issue"]).toMatchObject({ actor_type: "user", actor_user_id: ownerUserId, token_id });
    expect(byAction["grant.create"]!.project_id).toBe(FIXTURE.projects.demo.id);
    expect(byAction["agent.pause"]!.details).toMatchObject({ previous: { status: "active" }, changes: { status: "paused" } });
  });

  it("filters by project and action, pages newest first with a cursor, owners see only their own", async () => {
    const a = await stack.createAgent("demo.owner@nodedc.local", "filter a");
    const b = await stack.createAgent("outsider@nodedc.local", "filter b");
    for (let i = 0; i < 3; i++) await stack.issueToken(a.agent.id);
    await stack.grant(a.agent.id, "OPS", ["cards:read"]);

    const tokensOnly = await jsonOf(await stack.http("GET", `${ROUTES.auditEvents}?agent_id=${a.agent.id}&action=token.issue&limit=2`, { bearer: a.ownerJwt }));
    expect(tokensOnly.items).toHaveLength(2);
    expect(tokensOnly.next_cursor).toEqual(expect.any(String));
    const rest = await jsonOf(await stack.http("GET", `${ROUTES.auditEvents}?agent_id=${a.agent.id}&action=token.issue&limit=2&cursor=${tokensOnly.next_cursor}`, { bearer: a.ownerJwt }));
    expect(rest.items).toHaveLength(1);
    expect(rest.next_cursor).toBeNull();
    const all = [...tokensOnly.items, ...rest.items];
    expect(new Set(all.map((e: { id: string }) => e.id)).size).toBe(3);
    const times = all.map((e: { occurred_at: string }) => Date.parse(e.occurred_at));
    expect([...times].sort((x, y) => y - x)).toEqual(times);

    const ops = await jsonOf(await stack.http("GET", `${ROUTES.auditEvents}?project_id=${FIXTURE.projects.ops.id}`, { bearer: a.ownerJwt }));
    expect(ops.items.map((e: { action: string; agent_id: string }) => [e.action, e.agent_id])).toContainEqual(["grant.create", a.agent.id]);

    // b's owner sees nothing of a, even when asking for a's agent explicitly
    const foreign = await jsonOf(await stack.http("GET", `${ROUTES.auditEvents}?agent_id=${a.agent.id}`, { bearer: b.ownerJwt }));
    expect(foreign.items).toEqual([]);
    const own = await jsonOf(await stack.http("GET", `${ROUTES.auditEvents}?limit=100`, { bearer: b.ownerJwt }));
    expect(own.items.every((e: { owner_user_id: string }) => e.owner_user_id === b.ownerUserId)).toBe(true);
    // an admin sees both
    const admin = await jsonOf(await stack.http("GET", `${ROUTES.auditEvents}?limit=100`, { bearer: await stack.adminJwt() }));
    const owners = new Set(admin.items.map((e: { owner_user_id: string }) => e.owner_user_id));
    expect(owners.has(a.ownerUserId) && owners.has(b.ownerUserId)).toBe(true);

    const since = new Date(Date.now() + 60_000).toISOString();
    expect((await jsonOf(await stack.http("GET", `${ROUTES.auditEvents}?since=${encodeURIComponent(since)}`, { bearer: a.ownerJwt }))).items).toEqual([]);
  });

  it("keeps secret-looking keys out of details", async () => {
    const row = await recordAudit(stack.sql, {
      actor_type: "system",
      action: "test.secrets",
      outcome: "allowed",
      request_id: "req-secret-test",
      details: { token: "ndca_x", nested: { api_key: "k", password: "p", ok: 1 }, token_id: "kept", code: "BCDFGHJK" },
    });
    const [stored] = await stack.adminSql<{ details: Record<string, unknown> }[]>`SELECT details FROM audit_events WHERE id = ${row.id}`;
    expect(stored!.details).toEqual({ nested: { ok: 1 }, token_id: "kept" });
  });

  it("cannot be updated, deleted or truncated through the gateway's own connection (DESIGN §9 rule 7)", async () => {
    const attempts = [
      () => stack.sql`UPDATE audit_events SET outcome = 'denied'`,
      () => stack.sql`DELETE FROM audit_events`,
      () => stack.sql`TRUNCATE audit_events`,
    ];
    if (stack.database.kind === "postgres") {
      // on a real server the pool runs as the runtime role, which owns nothing and may not alter the table
      const [me] = await stack.sql<{ role: string }[]>`SELECT current_user AS role`;
      expect(me!.role).toBe("nodedc_gateway_app");
      attempts.push(() => stack.sql`ALTER TABLE audit_events DISABLE TRIGGER USER`);
    }
    // PGlite has one superuser session: there the trigger alone refuses (also 42501)
    if (stack.database.kind === "postgres") {
      const [relaxed] = await stack.relaxedSql<{ role: string; sync: string }[]>`SELECT current_user AS role, current_setting('synchronous_commit') AS sync`;
      expect(relaxed).toEqual({ role: "nodedc_gateway_app", sync: "off" });
      attempts.push(() => stack.relaxedSql`DELETE FROM audit_events`);
      const [durable] = await stack.sql<{ sync: string }[]>`SELECT current_setting('synchronous_commit') AS sync`;
      expect(durable!.sync).toBe("on");
    }
    for (const attempt of attempts) {
      const error = await attempt().then(() => null, (e: unknown) => e);
      expect(sqlStateOf(error)).toBe(SQLSTATE.insufficientPrivilege);
    }
    const [count] = await stack.adminSql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_events`;
    expect(count!.n).toBeGreaterThan(0);
  });

  it("refuses audit queries to agents and unauthenticated callers", async () => {
    expect((await errorOf(await stack.http("GET", ROUTES.auditEvents))).status).toBe(401);
  });
});
