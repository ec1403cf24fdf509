/**
 * Every adapter operation against the Tasker sandbox over real HTTP (no HTTP mocking).
 * Faults, fallbacks and the budget are in adapter-faults.int.test.ts.
 */

import { describe, expect, it } from "vitest";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import type { TaskerCallEvent } from "./adapter-core.js";
import { ctx, rejection, useSandbox } from "./sandbox.test-support.js";
import { EXTERNAL_SOURCE } from "./types.js";

const S = useSandbox();
const DEMO = FIXTURE.projects.demo.id;
const SECRET = FIXTURE.projects.secret.id;

describe("Tasker adapter — project metadata", () => {
  it("lists the projects the service key can see, never SECRET", async () => {
    const projects = await S.adapter().listProjects(ctx());
    const idents = projects.map((p) => p.identifier).sort();
    expect(idents).toContain("DEMO");
    expect(idents).toContain("OPS");
    expect(idents).not.toContain("SECRET");
  });

  it("gets a project, its states (by sequence), labels and members", async () => {
    const a = S.adapter();
    const project = await a.getProject(ctx(), DEMO);
    expect(project).toMatchObject({ id: DEMO, identifier: "DEMO", name: FIXTURE.projects.demo.name });
    const states = await a.listStates(ctx(), DEMO);
    expect(states.map((s) => s.name)).toEqual(["Backlog", "Todo", "In Progress", "Done", "Cancelled"]);
    expect(states.find((s) => s.is_default)?.id).toBe(FIXTURE.states.demo.backlog);
    expect(states.map((s) => s.group)).toEqual(["backlog", "unstarted", "started", "completed", "cancelled"]);
    const labels = await a.listLabels(ctx(), DEMO);
    expect(labels.map((l) => l.id).sort()).toEqual(Object.values(FIXTURE.labels.demo).sort());
    const members = await a.listMembers(ctx(), DEMO);
    expect(members.map((m) => m.email)).toEqual(expect.arrayContaining([FIXTURE.users.demoOwner.email, FIXTURE.users.service.email]));
    expect(members[0]).not.toHaveProperty("active");
  });

  it("derives the owner's right from both cached member lists, matching emails case-insensitively", async () => {
    const events: TaskerCallEvent[] = [];
    const a = S.adapter({}, events);
    const U = FIXTURE.users;
    expect(await a.ownerRight(ctx(), DEMO, "Demo.Owner@NODEDC.local ")).toEqual({
      level: "write",
      reason: "writer",
      basis: { workspace_role: 20, project_role: null, project_activity_reported: false },
    });
    expect((await a.ownerRight(ctx(), DEMO, U.member.email)).level).toBe("write");
    expect(await a.ownerRight(ctx(), DEMO, U.guest.email)).toMatchObject({ level: "comment", reason: "guest", basis: { workspace_role: 5 } });
    expect(await a.ownerRight(ctx(), DEMO, U.outsider.email)).toMatchObject({ level: "none", reason: "not_project_member" });
    expect(await a.ownerRight(ctx(), DEMO, "")).toMatchObject({ level: "none", reason: "not_project_member" });
    // PLANE_API §1/§3: plain Plane lists inactive members and project guests without a word
    // about it; these residuals are closed only where the list carries role/is_active.
    expect((await a.ownerRight(ctx(), DEMO, U.inactive.email)).level).toBe("write");
    expect((await a.ownerRight(ctx(), DEMO, U.deactivated.email)).level).toBe("write");
    expect((await a.ownerRight(ctx(), DEMO, U.projectGuest.email)).level).toBe("write");
    // Two lists fetched once (in parallel), then every answer comes from the cache.
    expect(events.map((e) => e.upstream_requests)).toEqual([2, 0, 0, 0, 0, 0, 0, 0]);
    expect(events.slice(1).every((e) => e.outcome === "cache_hit")).toBe(true);
  });

  it("where the project member list carries role and is_active (the NODE.DC fork), they decide", async () => {
    const a = S.adapter();
    const U = FIXTURE.users;
    S.sb.store.settings.forkMemberFields = true;
    try {
      expect(await a.ownerRight(ctx(), DEMO, U.demoOwner.email)).toMatchObject({ level: "write", basis: { project_role: 20, project_activity_reported: true } });
      expect((await a.ownerRight(ctx(), DEMO, U.member.email)).level).toBe("write");
      expect(await a.ownerRight(ctx(), DEMO, U.projectGuest.email)).toMatchObject({ level: "comment", reason: "guest", basis: { workspace_role: 15, project_role: 5 } });
      expect(await a.ownerRight(ctx(), DEMO, U.inactive.email)).toMatchObject({ level: "none", reason: "membership_inactive" });
      expect(await a.ownerRight(ctx(), DEMO, U.deactivated.email)).toMatchObject({ level: "none", reason: "membership_inactive" });
    } finally {
      S.sb.store.settings.forkMemberFields = false;
    }
  });

  it("a service user that may not list workspace members leaves writes unprovable, reads intact", async () => {
    const a = S.adapter();
    S.sb.store.setWorkspaceRole(FIXTURE.users.service.id, 5);
    try {
      expect(await a.ownerRight(ctx(), DEMO, FIXTURE.users.demoOwner.email)).toMatchObject({ level: "comment", reason: "workspace_roles_unreadable" });
      expect(await a.checkServiceUser(ctx())).toMatchObject({ user_id: FIXTURE.users.service.id, workspace_role: null, problem: expect.stringContaining("may not read the workspace member list") });
    } finally {
      S.sb.store.setWorkspaceRole(FIXTURE.users.service.id, 20);
    }
  });

  it("checks the service user: a workspace admin passes, a member is reported", async () => {
    expect(await S.adapter().checkServiceUser(ctx())).toEqual({ user_id: FIXTURE.users.service.id, email: FIXTURE.users.service.email, workspace_role: 20, problem: null });
    S.sb.store.setWorkspaceRole(FIXTURE.users.service.id, 15);
    try {
      expect(await S.adapter().checkServiceUser(ctx())).toMatchObject({ workspace_role: 15, problem: "the service user's workspace role is 15, not admin (20)" });
    } finally {
      S.sb.store.setWorkspaceRole(FIXTURE.users.service.id, 20);
    }
  });

  it("a project the service key cannot see → forbidden, with an ops message", async () => {
    const a = S.adapter();
    const e = await rejection(a.listStates(ctx(), SECRET));
    expect(e.code).toBe("forbidden");
    expect(e.status).toBe(403);
    expect(e.message).toContain("service key cannot see this project");
    const e2 = await rejection(a.getWorkItem(ctx(), SECRET, FIXTURE.cards.secret1));
    expect(e2.code).toBe("forbidden");
    const e3 = await rejection(a.getWorkItemByIdentifier(ctx(), "SECRET", 1));
    expect(["forbidden", "not_found"]).toContain(e3.code);
    const e4 = await rejection(a.getProject(ctx(), SECRET));
    expect(["forbidden", "not_found"]).toContain(e4.code);
  });

  it("deduplicates concurrent identical metadata fetches (single flight)", async () => {
    const a = S.adapter();
    const { requests } = await S.requestsDuring(() => Promise.all([a.listStates(ctx("x"), DEMO), a.listStates(ctx("y"), DEMO), a.listStates(ctx("z"), DEMO)]));
    expect(requests.filter((r) => r.path.endsWith("/states/"))).toHaveLength(1);
  });
});

describe("Tasker adapter — work items", () => {
  it("gets by id and by identifier, normalising Plane's shape", async () => {
    const a = S.adapter();
    const item = await a.getWorkItem(ctx(), DEMO, FIXTURE.cards.demo2);
    expect(item).toMatchObject({
      id: FIXTURE.cards.demo2,
      project_id: DEMO,
      name: "Login button does nothing on Safari",
      state_id: FIXTURE.states.demo.inProgress,
      priority: "high",
      label_ids: [FIXTURE.labels.demo.bug],
      parent_id: null,
    });
    expect([...item.assignee_ids].sort()).toEqual([FIXTURE.users.demoOwner.id, FIXTURE.users.service.id].sort());
    const byIdent = await a.getWorkItemByIdentifier(ctx(), "DEMO", item.sequence_id);
    expect(byIdent).toEqual(item);
  });

  it("an identifier or id that does not exist → not_found", async () => {
    const a = S.adapter();
    expect((await rejection(a.getWorkItemByIdentifier(ctx(), "DEMO", 9999))).code).toBe("not_found");
    // PLANE_API §1: the membership check runs before the lookup, so an unknown project is a 403.
    const unknownProject = await rejection(a.getWorkItemByIdentifier(ctx(), "NOPE", 1));
    expect(["forbidden", "not_found"]).toContain(unknownProject.code);
    expect((await rejection(a.getWorkItem(ctx(), DEMO, "0d0c0005-0000-4000-8000-00000000ffff"))).code).toBe("not_found");
  });

  it("ids that are not ids are refused without calling Tasker", async () => {
    const a = S.adapter();
    const { error, requests } = await S.requestsDuring(() => a.getWorkItem(ctx(), DEMO, "../members"));
    expect(error).toMatchObject({ code: "not_found", details: { reason: "invalid_id" } });
    const r2 = await S.requestsDuring(() => a.getWorkItemByIdentifier(ctx(), "demo", 1));
    expect(r2.error).toMatchObject({ code: "not_found" });
    expect([...requests, ...r2.requests]).toEqual([]);
  });

  it("lists work items over more than one page, sending per_page with every cursor", async () => {
    const a = S.adapter();
    const seen: string[] = [];
    const { requests } = await S.requestsDuring(async () => {
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await a.listWorkItems(ctx(), DEMO, cursor === undefined ? { per_page: 2 } : { per_page: 2, cursor });
        expect(page.items.length).toBeLessThanOrEqual(2);
        expect(page.total_count).toBeGreaterThanOrEqual(5);
        seen.push(...page.items.map((w) => w.id));
        if (!page.next_cursor) break;
        cursor = page.next_cursor;
      }
    });
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const r of requests) expect(r.query).toContain("per_page=2");
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(Object.entries(FIXTURE.cards).filter(([k]) => k.startsWith("demo")).map(([, v]) => v)));
  });

  it("searches within one project", async () => {
    const hits = await S.adapter().searchWorkItems(ctx(), DEMO, "Safari", 10);
    expect(hits).toEqual([expect.objectContaining({ id: FIXTURE.cards.demo2, project_id: DEMO, project_identifier: "DEMO" })]);
    const { value, requests } = await S.requestsDuring(() => S.adapter().searchWorkItems(ctx(), DEMO, "   ", 10));
    expect(value).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("creates with an external ref; the same ref again → existed:true and no duplicate", async () => {
    const a = S.adapter();
    const ref = `idem-${Date.now()}`;
    const input = {
      name: "Card from the adapter test",
      description_html: "<p>hello</p>",
      state_id: FIXTURE.states.demo.todo,
      priority: "high" as const,
      label_ids: [FIXTURE.labels.demo.bug],
      assignee_ids: [FIXTURE.users.demoOwner.id],
      external_source: EXTERNAL_SOURCE,
      external_id: ref,
    };
    const first = await a.createWorkItem(ctx(), DEMO, input);
    expect(first.existed).toBe(false);
    expect(first.item).toMatchObject({ name: input.name, state_id: input.state_id, priority: "high", external_source: EXTERNAL_SOURCE, external_id: ref });
    expect(first.item.label_ids).toEqual([FIXTURE.labels.demo.bug]);

    const { value: second, requests } = await S.requestsDuring(() => a.createWorkItem(ctx(), DEMO, { ...input, name: "other name" }));
    expect(second).toEqual({ item: first.item, existed: true });
    expect(requests.map((r) => `${r.method} ${r.status}`)).toEqual(["POST 409", "GET 200"]);

    expect(await a.findWorkItemByExternalRef(ctx(), DEMO, EXTERNAL_SOURCE, ref)).toEqual(first.item);
    expect(await a.findWorkItemByExternalRef(ctx(), DEMO, EXTERNAL_SOURCE, `${ref}-absent`)).toBeNull();
    expect(S.sb.requestLog.count({ method: "POST", status: 201, pathIncludes: "/work-items/" })).toBeGreaterThanOrEqual(1);
  });

  it("a ref held by an archived item (409, but GET hides it) → tasker_rejected, not a crash", async () => {
    const a = S.adapter();
    const ref = `arch-${Date.now()}`;
    const { item } = await a.createWorkItem(ctx(), DEMO, { name: "soon archived", external_source: EXTERNAL_SOURCE, external_id: ref });
    const raw = S.sb.store.getWorkItemRaw(item.id);
    if (!raw) throw new Error("sandbox row missing");
    raw.archivedAt = Date.now(); // archiving is a human's act in Tasker; the adapter cannot do it
    const e = await rejection(a.createWorkItem(ctx(), DEMO, { name: "again", external_source: EXTERNAL_SOURCE, external_id: ref }));
    expect(e).toMatchObject({ code: "tasker_rejected", status: 409, details: { reason: "external_ref_taken", existing_id: item.id } });
  });

  it("updates (sets replaced) and returns what Tasker stored, so narrowing is visible", async () => {
    const a = S.adapter();
    const { item } = await a.createWorkItem(ctx(), DEMO, { name: "To update", external_source: EXTERNAL_SOURCE, external_id: `upd-${Date.now()}` });
    const updated = await a.updateWorkItem(ctx(), DEMO, item.id, {
      name: "Updated",
      priority: "urgent",
      state_id: FIXTURE.states.demo.inProgress,
      label_ids: [FIXTURE.labels.demo.feature, FIXTURE.labels.demo.docs],
      // the outsider is not a project member: Plane narrows the set silently (PLANE_API §3)
      assignee_ids: [FIXTURE.users.demoOwner.id, FIXTURE.users.outsider.id],
    });
    expect(updated).toMatchObject({ id: item.id, name: "Updated", priority: "urgent", state_id: FIXTURE.states.demo.inProgress });
    expect([...updated.label_ids].sort()).toEqual([FIXTURE.labels.demo.feature, FIXTURE.labels.demo.docs].sort());
    expect(updated.assignee_ids).toEqual([FIXTURE.users.demoOwner.id]);

    const again = await a.updateWorkItem(ctx(), DEMO, item.id, { label_ids: [] });
    expect(again.label_ids).toEqual([]);
    expect(again.name).toBe("Updated");

    const activity = await a.listActivities(ctx(), DEMO, item.id, { per_page: 50 });
    expect(activity.items.every((x) => x.work_item_id === item.id)).toBe(true);
    expect(activity.items.map((x) => x.field)).toEqual(expect.arrayContaining(["priority", "state"]));
  });

  it("Tasker's validation errors → tasker_rejected with its field messages", async () => {
    const a = S.adapter();
    const e = await rejection(a.updateWorkItem(ctx(), DEMO, FIXTURE.cards.demo3, { state_id: FIXTURE.states.ops.todo }));
    expect(e.code).toBe("tasker_rejected");
    expect(e.status).toBe(400);
    expect(JSON.stringify(e.details)).toContain("State is not valid");
    const { error, requests } = await S.requestsDuring(() => a.createWorkItem(ctx(), DEMO, { name: "  ", external_source: EXTERNAL_SOURCE, external_id: "x" }));
    expect(error).toMatchObject({ code: "tasker_rejected", details: { reason: "invalid_input" } });
    expect(requests).toEqual([]);
  });
});

describe("Tasker adapter — comments and activity", () => {
  it("creates a comment idempotently and finds it by external ref", async () => {
    const a = S.adapter();
    const ref = `cmt-${Date.now()}`;
    const input = { comment_html: "<p>from an agent</p>", external_source: EXTERNAL_SOURCE, external_id: ref };
    const first = await a.createComment(ctx(), DEMO, FIXTURE.cards.demo1, input);
    expect(first.existed).toBe(false);
    expect(first.comment).toMatchObject({ work_item_id: FIXTURE.cards.demo1, external_id: ref, actor_id: FIXTURE.users.service.id });
    const second = await a.createComment(ctx(), DEMO, FIXTURE.cards.demo1, input);
    expect(second).toEqual({ comment: first.comment, existed: true });
    expect(await a.findCommentByExternalRef(ctx(), DEMO, FIXTURE.cards.demo1, EXTERNAL_SOURCE, ref)).toEqual(first.comment);
    expect(await a.findCommentByExternalRef(ctx(), DEMO, FIXTURE.cards.demo1, EXTERNAL_SOURCE, "nope")).toBeNull();
    const all = await a.listComments(ctx(), DEMO, FIXTURE.cards.demo1, { per_page: 100 });
    expect(all.items.filter((c) => c.external_id === ref)).toHaveLength(1);
  });

  it("pages comments with a small per_page", async () => {
    const a = S.adapter();
    for (let i = 0; i < 3; i++) {
      await a.createComment(ctx(), DEMO, FIXTURE.cards.demo3, { comment_html: `<p>c${i}</p>`, external_source: EXTERNAL_SOURCE, external_id: `page-${Date.now()}-${i}` });
    }
    const p1 = await a.listComments(ctx(), DEMO, FIXTURE.cards.demo3, { per_page: 2 });
    expect(p1.items).toHaveLength(2);
    expect(p1.next_cursor).not.toBeNull();
    const p2 = await a.listComments(ctx(), DEMO, FIXTURE.cards.demo3, { per_page: 2, cursor: p1.next_cursor as string });
    expect(p2.items.length).toBeGreaterThanOrEqual(1);
    expect(p2.items.map((c) => c.id)).not.toContain(p1.items[0]?.id);
  });

  it("lists a card's activity", async () => {
    const page = await S.adapter().listActivities(ctx(), DEMO, FIXTURE.cards.demo1, { per_page: 10 });
    expect(page.items.length).toBeGreaterThanOrEqual(1);
    expect(page.items[0]).toMatchObject({ work_item_id: FIXTURE.cards.demo1, verb: "created" });
  });
});

describe("Tasker adapter — cost of a get_card-like read", () => {
  it("warm cache: work item + comments + activity = 3 Tasker requests", async () => {
    const events: TaskerCallEvent[] = [];
    const a = S.adapter({}, events);
    const getCard = async () => {
      const item = await a.getWorkItemByIdentifier(ctx(), "DEMO", 1);
      await Promise.all([
        a.getProject(ctx(), item.project_id),
        a.listStates(ctx(), item.project_id),
        a.listLabels(ctx(), item.project_id),
        a.listMembers(ctx(), item.project_id),
        a.listComments(ctx(), item.project_id, item.id, { per_page: 5 }),
        a.listActivities(ctx(), item.project_id, item.id, { per_page: 10 }),
      ]);
    };
    const cold = await S.requestsDuring(getCard);
    expect(cold.error).toBeUndefined();
    expect(cold.requests).toHaveLength(7);
    const warm = await S.requestsDuring(getCard);
    expect(warm.requests.map((r) => r.path.replace(/[0-9a-f-]{36}/g, ":id")).sort()).toEqual([
      "/api/v1/workspaces/nodedc/projects/:id/work-items/:id/activities/",
      "/api/v1/workspaces/nodedc/projects/:id/work-items/:id/comments/",
      "/api/v1/workspaces/nodedc/work-items/DEMO-1/",
    ]);
    expect(events.slice(-7).filter((e) => e.outcome === "cache_hit").map((e) => e.operation).sort()).toEqual(["getProject", "listLabels", "listMembers", "listStates"]);
  });
});
