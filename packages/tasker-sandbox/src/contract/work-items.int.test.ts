import { describe, expect, it } from "vitest";
import { FIXTURE } from "../fixture";
import { WS, useHttpSandbox } from "./http-client";

const { projects: P, users: U, cards: C, states: S, labels: L } = FIXTURE;
const DEMO = `${WS}/projects/${P.demo.id}`;
const ITEMS = `${DEMO}/work-items/`;
const MISSING = "11111111-2222-4333-8444-555555555555";

describe("work item create (PLANE_API §3, §5)", () => {
  const api = useHttpSandbox({ rateLimitPerMin: 10_000, deleteTesting: true });

  it("201 with defaults: backlog state, priority none, <p></p>, next sequence id; unknown keys ignored", async () => {
    const r = await api.call(ITEMS, { method: "POST", body: { name: "Fresh card", description: "ignored", bogus: 1 } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: "Fresh card",
      state: S.demo.backlog,
      priority: "none",
      description_html: "<p></p>",
      sequence_id: 6,
      project: P.demo.id,
      workspace: FIXTURE.workspace.id,
      created_by: U.service.id,
      assignees: [],
      labels: [],
      parent: null,
      is_draft: false,
      archived_at: null,
    });
    expect(r.body).not.toHaveProperty("description");
    expect(r.body).not.toHaveProperty("description_json");
    expect(r.body).not.toHaveProperty("description_stripped");
    expect(api.sb.store.getWorkItem(r.body.id)?.name).toBe("Fresh card");
  });

  it("works the same on the deprecated /issues/ prefix", async () => {
    const r = await api.call(`${DEMO}/issues/`, { method: "POST", body: { name: "Via issues" } });
    expect(r.status).toBe(201);
    const viaWorkItems = await api.call(`${ITEMS}${r.body.id}/`);
    expect(viaWorkItems.body.name).toBe("Via issues");
    const list = await api.call(`${DEMO}/issues/?per_page=1`);
    expect(list.body.results[0].id).toBe(r.body.id);
  });

  it("sequence ids are never reused after a delete", async () => {
    const a = await api.call(ITEMS, { method: "POST", body: { name: "a" } });
    const del = await api.call(`${ITEMS}${a.body.id}/`, { method: "DELETE" });
    expect(del.status).toBe(204);
    const b = await api.call(ITEMS, { method: "POST", body: { name: "b" } });
    expect(b.body.sequence_id).toBe(a.body.sequence_id + 1);
  });

  it("name is required and at most 255 characters", async () => {
    const missing = await api.call(ITEMS, { method: "POST", body: { priority: "high" } });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ name: ["This field is required."] });
    const long = await api.call(ITEMS, { method: "POST", body: { name: "x".repeat(256) } });
    expect(long.body).toEqual({ name: ["Ensure this field has no more than 255 characters."] });
    const blank = await api.call(ITEMS, { method: "POST", body: { name: "" } });
    expect(blank.body).toEqual({ name: ["This field may not be blank."] });
    expect((await api.call(ITEMS, { method: "POST", body: { name: "x".repeat(255) } })).status).toBe(201);
  });

  it("a bad priority is a DRF choice error", async () => {
    const r = await api.call(ITEMS, { method: "POST", body: { name: "p", priority: "critical" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ priority: ['"critical" is not a valid choice.'] });
  });

  it("a state from another project → 400 non_field_errors", async () => {
    const r = await api.call(ITEMS, { method: "POST", body: { name: "s", state: S.ops.todo } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ non_field_errors: ["State is not valid please pass a valid state_id"] });
  });

  it("labels narrow to the project's; a label that does not exist at all → 400", async () => {
    const r = await api.call(ITEMS, { method: "POST", body: { name: "l", labels: [L.demo.bug, L.ops.bug] } });
    expect(r.status).toBe(201);
    expect(r.body.labels).toEqual([L.demo.bug]);
    const bad = await api.call(ITEMS, { method: "POST", body: { name: "l", labels: [L.demo.bug, MISSING] } });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ labels: { "1": [`Invalid pk "${MISSING}" - object does not exist.`] } });
  });

  it("assignees narrow to active members with role ≥ 15", async () => {
    const r = await api.call(ITEMS, {
      method: "POST",
      body: { name: "a", assignees: [U.demoOwner.id, U.guest.id, U.inactive.id, U.outsider.id, U.service.id] },
    });
    expect(r.status).toBe(201);
    expect([...r.body.assignees].sort()).toEqual([U.demoOwner.id, U.service.id].sort());
  });

  it("the parent must be in the same project", async () => {
    const ok = await api.call(ITEMS, { method: "POST", body: { name: "child", parent: C.demo1 } });
    expect(ok.body.parent).toBe(C.demo1);
    const other = await api.call(ITEMS, { method: "POST", body: { name: "child", parent: C.ops1 } });
    expect(other.status).toBe(400);
    expect(other.body).toEqual({ non_field_errors: ["Parent is not valid issue_id please pass a valid issue_id"] });
  });

  it("start_date after target_date → 400", async () => {
    const r = await api.call(ITEMS, { method: "POST", body: { name: "d", start_date: "2026-12-02", target_date: "2026-12-01" } });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ non_field_errors: ["Start date cannot exceed target date"] });
  });

  it("description_html is sanitised", async () => {
    const r = await api.call(ITEMS, {
      method: "POST",
      body: { name: "h", description_html: '<p onclick="evil()">hi</p><script>alert(1)</script>' },
    });
    expect(r.body.description_html).toBe("<p>hi</p>");
  });

  it("409 with the existing id for a duplicate external pair in the project; other projects are separate", async () => {
    const body = { name: "ext", external_id: "X-1", external_source: "jira" };
    const first = await api.call(ITEMS, { method: "POST", body });
    expect(first.status).toBe(201);
    const again = await api.call(ITEMS, { method: "POST", body: { ...body, name: "ext again" } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({
      error: "Issue with the same external id and external source already exists",
      id: first.body.id,
    });
    const ops = await api.call(`${WS}/projects/${P.ops.id}/work-items/`, { method: "POST", body });
    expect(ops.status).toBe(201);
    // Only one of the pair: no check.
    const half = await api.call(ITEMS, { method: "POST", body: { name: "half", external_id: "X-1" } });
    expect(half.status).toBe(201);
  });

  it("the 409 check is check-then-insert: concurrent POSTs can both win, then the pair lookup is a 500", async () => {
    api.sb.store.settings.externalRefCheckDelayMs = 50;
    const body = { name: "race", external_id: "R-1", external_source: "sync" };
    const [a, b] = await Promise.all([
      api.call(ITEMS, { method: "POST", body }),
      api.call(ITEMS, { method: "POST", body }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
    const lookup = await api.call(`${ITEMS}?external_id=R-1&external_source=sync`);
    expect(lookup.status).toBe(500);
    expect(lookup.body).toEqual({ error: "Something went wrong please try again later" });
  });

  it("an external ref can be reused after its item is deleted", async () => {
    const body = { name: "ext", external_id: "reuse", external_source: "gh" };
    const first = await api.call(ITEMS, { method: "POST", body });
    await api.call(`${ITEMS}${first.body.id}/`, { method: "DELETE" });
    expect((await api.call(ITEMS, { method: "POST", body })).status).toBe(201);
  });
});

describe("work item list, lookup and detail", () => {
  const api = useHttpSandbox({ rateLimitPerMin: 10_000 });

  it("lookup by BOTH external_id and external_source returns the single object or 404", async () => {
    const r = await api.call(`${ITEMS}?external_id=${encodeURIComponent("nodedc/app#42")}&external_source=github`);
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(C.demo5);
    expect(r.body).not.toHaveProperty("results");
    const none = await api.call(`${ITEMS}?external_id=nope&external_source=github`);
    expect(none.status).toBe(404);
    expect(none.body).toEqual({ error: "The requested resource does not exist." });
  });

  it("every other filter is ignored silently", async () => {
    const all = await api.call(ITEMS);
    for (const q of ["state=" + S.demo.done, "priority=urgent", "sequence_id=1", "external_id=nodedc%2Fapp%2342", "assignee=" + U.service.id]) {
      const r = await api.call(`${ITEMS}?${q}`);
      expect(r.status).toBe(200);
      expect(r.body.total_count).toBe(all.body.total_count);
    }
  });

  it("order_by priority puts urgent first; default is -created_at", async () => {
    const byPriority = await api.call(`${ITEMS}?order_by=priority`);
    expect(byPriority.body.results.map((r: { priority: string }) => r.priority)).toEqual(["urgent", "high", "medium", "low", "none"]);
    const byDefault = await api.call(ITEMS);
    expect(byDefault.body.results.map((r: { sequence_id: number }) => r.sequence_id)).toEqual([5, 4, 3, 2, 1]);
    const bySeq = await api.call(`${ITEMS}?order_by=sequence_id`);
    expect(bySeq.body.results.map((r: { sequence_id: number }) => r.sequence_id)).toEqual([1, 2, 3, 4, 5]);
  });

  it("identifier lookup: exact uppercase match; 404 for a missing number; 403 for a non-member project", async () => {
    for (const prefix of ["work-items", "issues"]) {
      const r = await api.call(`${WS}/${prefix}/DEMO-2/`);
      expect(r.status).toBe(200);
      expect(r.body.id).toBe(C.demo2);
      const missing = await api.call(`${WS}/${prefix}/DEMO-999/`);
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ error: "The requested resource does not exist." });
      for (const other of ["SECRET-1", "demo-2", "NOPE-1"]) {
        const denied = await api.call(`${WS}/${prefix}/${other}/`);
        expect(denied.status, other).toBe(403);
        expect(denied.body).toEqual({ detail: "You do not have permission to perform this action." });
      }
    }
    const owner = await api.call(`${WS}/work-items/SECRET-1/`, { key: api.sb.keys.secretOwner });
    expect(owner.body.id).toBe(C.secret1);
  });

  it("fields= gives a sparse fieldset, unknown names ignored", async () => {
    const r = await api.call(`${ITEMS}${C.demo1}/?fields=id,name,nonsense`);
    expect(r.body).toEqual({ id: C.demo1, name: "Welcome to the demo board" });
  });

  it("expand= inlines state, labels, assignees, project and parent", async () => {
    const r = await api.call(`${ITEMS}${C.demo4}/?expand=state,labels,assignees,project,parent`);
    expect(r.body.state).toEqual({ id: S.demo.done, name: "Done", color: "#46A758", group: "completed" });
    expect(r.body.labels.map((l: { name: string }) => l.name).sort()).toEqual(["docs", "feature"]);
    expect(r.body.labels[0]).toHaveProperty("color");
    expect(r.body.assignees).toEqual([
      expect.objectContaining({ id: U.service.id, email: U.service.email, display_name: "tasker-gateway" }),
    ]);
    expect(r.body.project).toMatchObject({ id: P.demo.id, identifier: "DEMO", name: "Demo project" });
    expect(r.body.parent).toEqual({ id: C.demo1, sequence_id: 1, project_id: P.demo.id });
    const sparse = await api.call(`${ITEMS}${C.demo4}/?fields=id,state&expand=state,labels`);
    expect(Object.keys(sparse.body)).toEqual(["id", "state"]);
    expect(sparse.body.state.name).toBe("Done");
  });

  it("archived items are hidden from list, detail and identifier lookup but still block their external pair", async () => {
    api.sb.store.archiveWorkItem(C.demo5);
    expect((await api.call(`${ITEMS}${C.demo5}/`)).status).toBe(404);
    expect((await api.call(`${WS}/work-items/DEMO-5/`)).status).toBe(404);
    const list = await api.call(ITEMS);
    expect(list.body.results.map((r: { id: string }) => r.id)).not.toContain(C.demo5);
    expect(list.body.total_count).toBe(4);
    const dup = await api.call(ITEMS, { method: "POST", body: { name: "again", external_id: "nodedc/app#42", external_source: "github" } });
    expect(dup.status).toBe(409);
    expect(dup.body.id).toBe(C.demo5);
  });

  it("a work item of another project addressed through DEMO is 404", async () => {
    const r = await api.call(`${ITEMS}${C.ops1}/`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: "The requested resource does not exist." });
  });
});

describe("work item PATCH and DELETE", () => {
  const api = useHttpSandbox({ rateLimitPerMin: 10_000, deleteTesting: true });

  it("labels and assignees REPLACE the set; omitted keys are untouched", async () => {
    const before = await api.call(`${ITEMS}${C.demo2}/`);
    const r = await api.call(`${ITEMS}${C.demo2}/`, { method: "PATCH", body: { labels: [L.demo.feature] } });
    expect(r.status).toBe(200);
    expect(r.body.labels).toEqual([L.demo.feature]);
    expect(r.body.assignees).toEqual(before.body.assignees);
    expect(r.body.name).toBe(before.body.name);
    expect(r.body.state).toBe(before.body.state);
    expect(r.body.updated_by).toBe(U.service.id);
    const cleared = await api.call(`${ITEMS}${C.demo2}/`, { method: "PATCH", body: { assignees: [] } });
    expect(cleared.body.assignees).toEqual([]);
    expect(cleared.body.labels).toEqual([L.demo.feature]);
  });

  it("PATCH validates like create (narrowing, foreign state, bad label)", async () => {
    const narrowed = await api.call(`${ITEMS}${C.demo3}/`, {
      method: "PATCH",
      body: { labels: [L.ops.incident, L.demo.docs], assignees: [U.guest.id, U.demoOwner.id] },
    });
    expect(narrowed.body.labels).toEqual([L.demo.docs]);
    expect(narrowed.body.assignees).toEqual([U.demoOwner.id]);
    const state = await api.call(`${ITEMS}${C.demo3}/`, { method: "PATCH", body: { state: S.ops.done } });
    expect(state.status).toBe(400);
    expect(state.body).toEqual({ non_field_errors: ["State is not valid please pass a valid state_id"] });
    const label = await api.call(`${ITEMS}${C.demo3}/`, { method: "PATCH", body: { labels: [MISSING] } });
    expect(label.status).toBe(400);
    const blank = await api.call(`${ITEMS}${C.demo3}/`, { method: "PATCH", body: { name: "" } });
    expect(blank.body).toEqual({ name: ["This field may not be blank."] });
  });

  it("moving to a completed state sets completed_at; leaving clears it", async () => {
    const done = await api.call(`${ITEMS}${C.demo3}/`, { method: "PATCH", body: { state: S.demo.done } });
    expect(done.body.completed_at).toMatch(/Z$/);
    const back = await api.call(`${ITEMS}${C.demo3}/`, { method: "PATCH", body: { state: S.demo.todo } });
    expect(back.body.completed_at).toBeNull();
  });

  it("PATCH with an external_id that clashes → 409 carrying the PATCHED item's id", async () => {
    const r = await api.call(`${ITEMS}${C.demo1}/`, { method: "PATCH", body: { external_id: "nodedc/app#42", external_source: "github" } });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ error: "Issue with the same external id and external source already exists", id: C.demo1 });
  });

  it("DELETE: only the creator or a project admin; soft delete then 404", async () => {
    const mine = await api.call(ITEMS, { method: "POST", body: { name: "mine" } });
    const byOwnerCard = await api.call(`${ITEMS}${C.demo3}/`, { method: "DELETE" });
    expect(byOwnerCard.status).toBe(403);
    expect(byOwnerCard.body).toEqual({ error: "Only admin or creator can delete the work item" });
    const guest = await api.call(`${ITEMS}${C.demo3}/`, { method: "DELETE", key: api.sb.keys.guest });
    expect(guest.status).toBe(403);
    expect(guest.body).toEqual({ detail: "You do not have permission to perform this action." });
    const own = await api.call(`${ITEMS}${mine.body.id}/`, { method: "DELETE" });
    expect(own.status).toBe(204);
    expect(own.text).toBe("");
    expect((await api.call(`${ITEMS}${mine.body.id}/`)).status).toBe(404);
    expect(api.sb.store.getWorkItemRaw(mine.body.id)?.deletedAt).not.toBeNull();
    const admin = await api.call(`${ITEMS}${C.demo3}/`, { method: "DELETE", key: api.sb.keys.demoOwner });
    expect(admin.status).toBe(204);
    expect(api.sb.requestLog.count({ method: "DELETE", status: 204 })).toBe(2);
  });
});

describe("search (PLANE_API §3 'Search')", () => {
  const api = useHttpSandbox();
  const search = (q: string, extra = "") => api.call(`${WS}/work-items/search/?search=${encodeURIComponent(q)}&limit=10${extra}`);

  it("matches a name substring case-insensitively, in member projects only", async () => {
    const r = await search("SAFARI");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      issues: [
        {
          id: C.demo2,
          name: "Login button does nothing on Safari",
          sequence_id: 2,
          project__identifier: "DEMO",
          project_id: P.demo.id,
          workspace__slug: "nodedc",
        },
      ],
    });
    expect((await search("secret")).body.issues).toEqual([]);
  });

  it("matches whole integers against sequence_id and identifier substrings", async () => {
    const byNumber = await search("3");
    expect(byNumber.body.issues.map((i: { project__identifier: string; sequence_id: number }) => `${i.project__identifier}-${i.sequence_id}`).sort()).toEqual(["DEMO-3", "OPS-3"]);
    const byIdent = await search("op");
    expect(byIdent.body.issues.every((i: { project__identifier: string }) => i.project__identifier === "OPS")).toBe(true);
    expect(byIdent.body.issues).toHaveLength(3);
  });

  it("empty query → no issues; project_id narrows; limit caps; /issues/search/ alias", async () => {
    expect((await search("")).body).toEqual({ issues: [] });
    const narrowed = await search("3", `&project_id=${P.ops.id}&workspace_search=false`);
    expect(narrowed.body.issues.map((i: { project_id: string }) => i.project_id)).toEqual([P.ops.id]);
    const limited = await api.call(`${WS}/work-items/search/?search=o&limit=2`);
    // Newest first across projects: OPS-3 and OPS-2 were created after every DEMO card.
    expect(limited.body.issues.map((i: { id: string }) => i.id)).toEqual([C.ops3, C.ops2]);
    const alias = await api.call(`${WS}/issues/search/?search=safari`);
    expect(alias.body.issues[0].id).toBe(C.demo2);
  });
});
