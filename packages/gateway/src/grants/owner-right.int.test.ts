/**
 * DESIGN §9 rule 10: an agent never holds a right its owner lacks in Tasker right now.
 * Real Postgres, the real sandbox (which refuses the owners' own keys exactly as Plane
 * does, see tasker-sandbox contract/memberships.int.test.ts), every tool, every kind of
 * owner: in plain Plane mode and with the NODE.DC fork's project member fields.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { routePath, ROUTES, type Scope } from "@nodedc/shared";
import type { Clock } from "../tasker/index";
import type { OwnerRightLevel } from "../tasker/types";
import { DEMO, FULL, expectOnlyAllowlistedTaskerCalls, freshKey, startToolStack, type ToolAgent, type ToolStack } from "../tools/testing/tool-stack.test-support";

const U = FIXTURE.users;
type Owner = "guest" | "projectGuest" | "inactive" | "deactivated" | "member" | "demoOwner";
const OWNERS: Owner[] = ["guest", "projectGuest", "inactive", "deactivated", "member", "demoOwner"];
const COMMENT_SCOPES: Scope[] = ["cards:read", "comments:write", "sessions:report"];

/** What each owner may do in DEMO, as far as the gateway can see it. */
const EXPECTED: Record<"plain" | "fork", Record<Owner, OwnerRightLevel>> = {
  // Plain Plane: the workspace role shows the workspace guest; a project-level guest role and
  // an inactive membership are not visible (docs/THREAT_MODEL.md, residuals R1 and R2).
  plain: { guest: "comment", projectGuest: "write", inactive: "write", deactivated: "write", member: "write", demoOwner: "write" },
  fork: { guest: "comment", projectGuest: "comment", inactive: "none", deactivated: "none", member: "write", demoOwner: "write" },
};

const TOOLS: Array<{ tool: string; need: OwnerRightLevel; args: () => Record<string, unknown> }> = [
  { tool: "describe_project", need: "read", args: () => ({ project_id: DEMO }) },
  { tool: "search_cards", need: "read", args: () => ({ project_id: DEMO, query: "demo" }) },
  { tool: "get_card", need: "read", args: () => ({ project_id: DEMO, card: "DEMO-1" }) },
  { tool: "get_recent_activity", need: "read", args: () => ({ project_id: DEMO }) },
  { tool: "add_comment", need: "comment", args: () => ({ project_id: DEMO, card_id: "DEMO-1", body_markdown: "noted", idempotency_key: freshKey() }) },
  { tool: "report_session", need: "comment", args: () => ({ project_id: DEMO, card_id: "DEMO-1", status: "progress", summary: "halfway", idempotency_key: freshKey() }) },
  { tool: "create_card", need: "write", args: () => ({ project_id: DEMO, title: `by agent ${freshKey()}`, idempotency_key: freshKey() }) },
  { tool: "update_card", need: "write", args: () => ({ project_id: DEMO, card_id: "DEMO-2", priority: "high", idempotency_key: freshKey() }) },
];

const SCOPE_NEEDS: Record<Scope, OwnerRightLevel> = { "cards:read": "read", "comments:write": "comment", "sessions:report": "comment", "cards:write": "write" };
const ORDER: OwnerRightLevel[] = ["none", "read", "comment", "write"];
const covers = (have: OwnerRightLevel, need: OwnerRightLevel) => ORDER.indexOf(have) >= ORDER.indexOf(need);

/** An agent whose DEMO grant was written behind the core's back: it stands for a grant made before Tasker changed. */
async function agentWithStoredGrant(t: ToolStack, owner: Owner, scopes: Scope[] = FULL): Promise<ToolAgent> {
  const agent = await t.agentWith([], `${owner}'s Codex`, U[owner].email);
  await t.stack.adminSql`
    INSERT INTO grants (agent_id, workspace_slug, project_id, project_identifier, project_name, scopes)
    VALUES (${agent.id}, 'nodedc', ${DEMO}, 'DEMO', 'Demo project', ${scopes})`;
  return agent;
}

async function postGrant(t: ToolStack, agent: ToolAgent, scopes: Scope[]) {
  const res = await t.stack.http("POST", routePath(ROUTES.agentGrants, { agent_id: agent.id }), {
    bearer: agent.ownerJwt,
    body: { workspace_slug: "nodedc", project_id: DEMO, scopes },
  });
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string; details: Record<string, unknown> } } };
}

const taskerWrites = (t: ToolStack, since: number) => t.stack.sandbox.requestLog.since(since).filter((e) => e.method !== "GET").length;

for (const mode of ["plain", "fork"] as const) {
  describe(`owner rights, ${mode === "plain" ? "plain Plane member lists" : "the NODE.DC fork's member lists (role, is_active)"}`, () => {
    let t: ToolStack;
    beforeAll(async () => {
      t = await startToolStack({ sandboxForkMemberFields: mode === "fork" });
    });
    afterAll(async () => {
      if (t) expectOnlyAllowlistedTaskerCalls(t.stack);
      await t?.stack.close();
    });

    for (const owner of OWNERS) {
      const level = EXPECTED[mode][owner];

      it(`${owner} (${level}): POST grants gives only the scopes the owner holds`, async () => {
        const agent = await t.agentWith([], `${owner}'s grant`, U[owner].email);
        const full = await postGrant(t, agent, FULL);
        const commentOnly = await postGrant(t, agent, COMMENT_SCOPES);
        if (level === "write") {
          expect(full.status, JSON.stringify(full.body)).toBe(201);
          return;
        }
        expect([full.status, full.body.error?.code]).toEqual([403, "forbidden"]);
        if (level === "none") {
          expect(full.body.error?.details).toMatchObject({ reason: "owner_not_member", owner_right: { level: "none" } });
          expect([commentOnly.status, commentOnly.body.error?.code]).toEqual([403, "forbidden"]);
        } else {
          expect(full.body.error?.details).toMatchObject({ reason: "owner_right_insufficient", scopes_refused: ["cards:write"], required_right: "write" });
          expect(full.body.error?.message).toContain("guest");
          expect(commentOnly.status, JSON.stringify(commentOnly.body)).toBe(201);
        }
        const denied = await t.stack.adminSql<{ error_code: string; details: { owner_right: { level: string } } }[]>`
          SELECT error_code, details FROM audit_events WHERE agent_id = ${agent.id} AND action = 'grant.create' AND outcome = 'denied'`;
        expect(denied.length).toBeGreaterThan(0);
        expect(denied[0]!.details.owner_right.level).toBe(level);
      });

      it(`${owner} (${level}): every tool is allowed exactly as far as the owner's right goes`, async () => {
        const agent = await agentWithStoredGrant(t, owner);
        // whoami says so before any call is refused
        const who = await t.call(agent, "whoami", {});
        expect(who.status, who.text).toBe(200);
        const usable = FULL.filter((s) => covers(level, SCOPE_NEEDS[s]));
        expect(who.body.result.grants[0]).toMatchObject({ scopes: FULL, usable_scopes: usable });
        if (usable.length === FULL.length) expect(who.body.result.grants[0].withheld_because).toBeNull();
        else expect(who.body.result.grants[0].withheld_because).toContain(FULL.filter((s) => !usable.includes(s)).join(", "));
        for (const { tool, need, args } of TOOLS) {
          const before = t.stack.sandbox.requestLog.lastSeq;
          const r = await t.call(agent, tool, args());
          if (covers(level, need)) {
            expect(r.status, `${tool}: ${r.text}`).toBe(200);
            continue;
          }
          const code = level === "none" ? "project_not_granted" : "forbidden";
          expect([r.status, r.body.error.code], `${tool}: ${r.text}`).toEqual([403, code]);
          expect(r.body.error.details).toMatchObject({ required_right: need, owner_right: { level } });
          expect(taskerWrites(t, before), `${tool} wrote to Tasker`).toBe(0);
        }
      });
    }
  });
}

describe("Tasker changes after the grant: refused on the first call after the membership cache's TTL", () => {
  const TTL_MS = 30_000;
  let offset = 0;
  const clock: Clock = {
    now: () => Date.now() + offset,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
  let t: ToolStack;
  beforeAll(async () => {
    t = await startToolStack({ sandboxForkMemberFields: true, taskerClock: clock });
  });
  afterAll(async () => {
    await t?.stack.close();
  });

  const create = (agent: ToolAgent) => t.call(agent, "create_card", { project_id: DEMO, title: `ttl ${freshKey()}`, idempotency_key: freshKey() });
  const read = (agent: ToolAgent) => t.call(agent, "get_card", { project_id: DEMO, card: "DEMO-1" });

  it("a member made workspace guest keeps reads and comments and loses writes", async () => {
    const agent = await t.agentWith([{ project: "DEMO", scopes: FULL }], "member's Codex", U.member.email);
    expect((await create(agent)).status).toBe(200);
    t.stack.sandbox.store.setWorkspaceRole(U.member.id, 5);
    try {
      // Within the TTL the cached lists still answer (the documented window).
      expect((await create(agent)).status).toBe(200);
      offset += TTL_MS + 1;
      const refused = await create(agent);
      expect([refused.status, refused.body.error.code], refused.text).toEqual([403, "forbidden"]);
      expect(refused.body.error.details).toMatchObject({ reason: "owner_right_insufficient", owner_right: { level: "comment", reason: "guest", workspace_role: 5 } });
      expect((await read(agent)).status).toBe(200);
    } finally {
      t.stack.sandbox.store.setWorkspaceRole(U.member.id, 15);
      offset += TTL_MS + 1;
    }
  });

  it("a member made guest in the project only loses writes (the fork shows the project role)", async () => {
    const agent = await t.agentWith([{ project: "DEMO", scopes: FULL }], "member's other Codex", U.member.email);
    expect((await create(agent)).status).toBe(200);
    t.stack.sandbox.store.setMemberRole(DEMO, U.member.id, 5);
    try {
      offset += TTL_MS + 1;
      const refused = await create(agent);
      expect([refused.status, refused.body.error.code]).toEqual([403, "forbidden"]);
      expect(refused.body.error.details.owner_right).toMatchObject({ project_role: 5, workspace_role: 15 });
    } finally {
      t.stack.sandbox.store.setMemberRole(DEMO, U.member.id, 15);
      offset += TTL_MS + 1;
    }
  });

  it("a member removed from the project loses every tool of the grant", async () => {
    const agent = await t.agentWith([{ project: "DEMO", scopes: FULL }], "member's third Codex", U.member.email);
    expect((await read(agent)).status).toBe(200);
    t.stack.sandbox.store.setMemberActive(DEMO, U.member.id, false);
    try {
      offset += TTL_MS + 1;
      const refused = await read(agent);
      expect([refused.status, refused.body.error.code], refused.text).toEqual([403, "project_not_granted"]);
      expect(refused.body.error.details).toMatchObject({ reason: "owner_not_member", owner_right: { level: "none", reason: "membership_inactive" } });
      expect(refused.body.error.message).toContain("inactive membership");
    } finally {
      t.stack.sandbox.store.setMemberActive(DEMO, U.member.id, true);
      offset += TTL_MS + 1;
    }
  });
});

describe("a service user that is not a workspace admin or member", () => {
  let t: ToolStack;
  beforeAll(async () => {
    t = await startToolStack();
    t.stack.sandbox.store.setWorkspaceRole(U.service.id, 5);
  });
  afterAll(async () => {
    await t?.stack.close();
  });

  it("cannot prove any writing role: card writes are refused with the reason, reads and comments work", async () => {
    const agent = await t.agentWith([{ project: "DEMO", scopes: COMMENT_SCOPES }]);
    const grant = await postGrant(t, agent, FULL);
    expect([grant.status, grant.body.error?.code]).toEqual([403, "forbidden"]);
    expect(grant.body.error?.message).toContain("must be a workspace admin");
    expect(grant.body.error?.details).toMatchObject({ owner_right: { level: "comment", reason: "workspace_roles_unreadable" } });
    expect((await t.call(agent, "get_card", { project_id: DEMO, card: "DEMO-1" })).status).toBe(200);
    const comment = await t.call(agent, "add_comment", { project_id: DEMO, card_id: "DEMO-1", body_markdown: "still here", idempotency_key: freshKey() });
    expect(comment.status, comment.text).toBe(200);
  });
});
