import { describe, expect, it } from "vitest";
import { FIXTURE } from "../fixture";
import { WS, useHttpSandbox } from "./http-client";

const { projects: P, users: U, cards: C, states: S, labels: L } = FIXTURE;
const ITEMS = `${WS}/projects/${P.demo.id}/work-items/`;

describe("comments (PLANE_API §3, §5)", () => {
  const api = useHttpSandbox({ rateLimitPerMin: 10_000 });

  it("lists the fixture comment with Plane's fields", async () => {
    const r = await api.call(`${ITEMS}${C.demo1}/comments/`);
    expect(r.status).toBe(200);
    expect(r.body.total_count).toBe(1);
    const c = r.body.results[0];
    expect(c).toMatchObject({
      id: FIXTURE.comments.demo1Welcome,
      comment_html: "<p>Hello from the demo owner!</p>",
      access: "INTERNAL",
      actor: U.demoOwner.id,
      issue: C.demo1,
      project: P.demo.id,
      external_id: null,
      external_source: null,
    });
    expect(c).not.toHaveProperty("comment_json");
    expect(c).not.toHaveProperty("comment_stripped");
  });

  it("POST → 201; list is -created_at; expand=actor", async () => {
    const a = await api.call(`${ITEMS}${C.demo1}/comments/`, { method: "POST", body: { comment_html: "<p>first</p>" } });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({ comment_html: "<p>first</p>", access: "INTERNAL", actor: U.service.id, issue: C.demo1 });
    const b = await api.call(`${ITEMS}${C.demo1}/comments/`, { method: "POST", body: { comment_html: "<p>second</p>", access: "EXTERNAL" } });
    expect(b.body.access).toBe("EXTERNAL");
    const list = await api.call(`${ITEMS}${C.demo1}/comments/?expand=actor`);
    expect(list.body.results.map((c: { comment_html: string }) => c.comment_html)).toEqual([
      "<p>second</p>",
      "<p>first</p>",
      "<p>Hello from the demo owner!</p>",
    ]);
    expect(list.body.results[0].actor).toMatchObject({ id: U.service.id, email: U.service.email });
  });

  it("guests may comment; non-members may not", async () => {
    const guest = await api.call(`${ITEMS}${C.demo1}/comments/`, { method: "POST", key: api.sb.keys.guest, body: { comment_html: "<p>hi</p>" } });
    expect(guest.status).toBe(201);
    const outsider = await api.call(`${ITEMS}${C.demo1}/comments/`, { method: "POST", key: api.sb.keys.outsider, body: { comment_html: "<p>hi</p>" } });
    expect(outsider.status).toBe(403);
    expect(outsider.body).toEqual({ detail: "You do not have permission to perform this action." });
  });

  it("409 on a duplicate external pair anywhere in the PROJECT, checked before validation", async () => {
    const body = { comment_html: "<p>synced</p>", external_id: "c-1", external_source: "slack" };
    const first = await api.call(`${ITEMS}${C.demo1}/comments/`, { method: "POST", body });
    expect(first.status).toBe(201);
    // Another work item in the same project, and an invalid body: still 409.
    const dup = await api.call(`${ITEMS}${C.demo2}/comments/`, { method: "POST", body: { ...body, access: "NOT-A-CHOICE" } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({
      error: "Work item comment with the same external id and external source already exists",
      id: first.body.id,
    });
    const ops = await api.call(`${WS}/projects/${P.ops.id}/work-items/${C.ops1}/comments/`, { method: "POST", body });
    expect(ops.status).toBe(201);
  });

  it("a bad access value is a choice error; a missing work item is 404", async () => {
    const bad = await api.call(`${ITEMS}${C.demo1}/comments/`, { method: "POST", body: { comment_html: "<p>x</p>", access: "PUBLIC" } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ access: ['"PUBLIC" is not a valid choice.'] });
    const missing = await api.call(`${ITEMS}11111111-2222-4333-8444-555555555555/comments/`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: "The requested resource does not exist." });
  });
});

describe("activities (PLANE_API §3 'Activity')", () => {
  const api = useHttpSandbox({ rateLimitPerMin: 10_000 });

  it("a creation row (field null, verb created) and no comment rows", async () => {
    const r = await api.call(`${ITEMS}${C.demo1}/activities/`);
    expect(r.status).toBe(200);
    expect(r.body.results).toHaveLength(1);
    expect(r.body.results[0]).toMatchObject({ verb: "created", field: null, actor: U.demoOwner.id, issue: C.demo1 });
  });

  it("one row per changed field on PATCH, ascending, with display values and identifiers", async () => {
    const created = await api.call(ITEMS, {
      method: "POST",
      body: { name: "Track me", labels: [L.demo.bug], assignees: [U.demoOwner.id] },
    });
    const id = created.body.id;
    await api.call(`${ITEMS}${id}/comments/`, { method: "POST", body: { comment_html: "<p>not an activity</p>" } });
    const patch = await api.call(`${ITEMS}${id}/`, {
      method: "PATCH",
      body: {
        name: "Tracked",
        state: S.demo.inProgress,
        priority: "high",
        description_html: "<p>new</p>",
        labels: [L.demo.feature],
        assignees: [U.service.id],
        parent: C.demo1,
      },
    });
    expect(patch.status).toBe(200);
    // A PATCH that changes nothing writes nothing.
    await api.call(`${ITEMS}${id}/`, { method: "PATCH", body: { priority: "high" } });
    const r = await api.call(`${ITEMS}${id}/activities/`);
    const rows = r.body.results as Array<Record<string, unknown>>;
    expect(rows[0]).toMatchObject({ verb: "created", field: null });
    const byField = (f: string) => rows.filter((a) => a.field === f);
    expect(byField("state")).toEqual([
      expect.objectContaining({
        verb: "updated",
        old_value: "Backlog",
        new_value: "In Progress",
        old_identifier: S.demo.backlog,
        new_identifier: S.demo.inProgress,
        comment: "updated the state to",
      }),
    ]);
    expect(byField("priority")).toEqual([expect.objectContaining({ old_value: "none", new_value: "high" })]);
    expect(byField("name")).toEqual([expect.objectContaining({ old_value: "Track me", new_value: "Tracked" })]);
    expect(byField("description")).toEqual([expect.objectContaining({ old_value: "<p></p>", new_value: "<p>new</p>" })]);
    expect(byField("labels")).toEqual([
      expect.objectContaining({ new_value: "feature", new_identifier: L.demo.feature, old_value: null }),
      expect.objectContaining({ old_value: "bug", old_identifier: L.demo.bug, new_value: null }),
    ]);
    expect(byField("assignees")).toEqual([
      expect.objectContaining({ new_value: "tasker-gateway", new_identifier: U.service.id }),
      expect.objectContaining({ old_value: "demo.owner", old_identifier: U.demoOwner.id }),
    ]);
    expect(byField("parent")).toEqual([expect.objectContaining({ new_value: "DEMO-1", new_identifier: C.demo1 })]);
    expect(byField("comment")).toEqual([]);
    expect(rows).toHaveLength(1 + 1 + 1 + 1 + 1 + 2 + 2 + 1);
    const times = rows.map((a) => a.created_at as string);
    expect([...times].sort()).toEqual(times);
  });

  it("activity detail has its own 404 body", async () => {
    const list = await api.call(`${ITEMS}${C.demo1}/activities/`);
    const one = await api.call(`${ITEMS}${C.demo1}/activities/${list.body.results[0].id}/`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(list.body.results[0].id);
    const missing = await api.call(`${ITEMS}${C.demo1}/activities/11111111-2222-4333-8444-555555555555/`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ message: "Activity not found.", code: "NOT_FOUND" });
  });
});
