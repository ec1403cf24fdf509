import { describe, expect, it } from "vitest";
import { activitySchema, memberSchema, pageSchema, searchSchema, workItemSchema, workspaceMemberSchema } from "./plane-schemas.js";

const item = {
  id: "7d1e3c1e-8a51-4b0e-9a57-2e2e2e2e2e2e",
  project: "0b6e3c1e-8a51-4b0e-9a57-1f1f1f1f1f1f",
  workspace: "w",
  sequence_id: 3,
  name: "Fix login",
  description_html: "<p>x</p>",
  state: "s1",
  priority: "high",
  labels: ["l1"],
  assignees: [],
  parent: null,
  external_source: null,
  external_id: null,
  created_by: "u1",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  sort_order: 65535,
  some_future_field: { x: 1 },
};

describe("Plane shapes", () => {
  it("normalise a work item and ignore extra fields", () => {
    expect(workItemSchema.parse(item)).toEqual({
      id: item.id,
      project_id: item.project,
      sequence_id: 3,
      name: "Fix login",
      description_html: "<p>x</p>",
      state_id: "s1",
      priority: "high",
      label_ids: ["l1"],
      assignee_ids: [],
      parent_id: null,
      external_source: null,
      external_id: null,
      created_by: "u1",
      created_at: item.created_at,
      updated_at: item.updated_at,
    });
  });

  it("are strict on the fields we use", () => {
    expect(workItemSchema.safeParse({ ...item, priority: "critical" }).success).toBe(false);
    expect(workItemSchema.safeParse({ ...item, labels: "l1" }).success).toBe(false);
    expect(workItemSchema.safeParse({ ...item, id: undefined }).success).toBe(false);
  });

  it("page envelope: next_cursor only while next_page_results", () => {
    const page = pageSchema(workItemSchema);
    expect(page.parse({ results: [item], next_cursor: "1:1:0", next_page_results: true, total_count: 2 })).toMatchObject({ next_cursor: "1:1:0", total_count: 2 });
    expect(page.parse({ results: [item], next_cursor: "1:2:0", next_page_results: false, total_count: 2 }).next_cursor).toBeNull();
  });

  it("members: role and activity are detected when a fork sends them, and unknown otherwise", () => {
    const lite = { id: "u", email: "a@b.c", display_name: "a", first_name: "A", last_name: "" };
    expect(memberSchema.parse(lite).facts).toEqual({ role: null, active: null });
    expect(memberSchema.parse({ ...lite, role: 15, is_active: true }).facts).toEqual({ role: 15, active: true });
    expect(memberSchema.parse({ ...lite, is_active: false }).facts).toEqual({ role: null, active: false });
    expect(memberSchema.parse({ ...lite, is_active: true, member_is_active: false }).facts.active).toBe(false);
    // A role that is not an integer proves nothing; it is not an error either.
    expect(memberSchema.parse({ ...lite, role: "20", is_active: "yes" }).facts).toEqual({ role: null, active: null });
    expect(workspaceMemberSchema.parse({ id: "u", email: "a@b.c", role: 5 }).facts).toEqual({ role: 5, active: null });
  });

  it("search hits and activities", () => {
    expect(searchSchema.parse({ issues: [{ id: "i", name: "n", sequence_id: 1, project__identifier: "DEMO", project_id: "p", workspace__slug: "w" }] })).toEqual([
      { id: "i", name: "n", sequence_id: 1, project_id: "p", project_identifier: "DEMO" },
    ]);
    expect(activitySchema.parse({ id: "a", issue: "i", verb: "updated", field: "priority", old_value: "none", new_value: "high", comment: "c", actor: "u", created_at: "t" })).toMatchObject({
      work_item_id: "i",
      actor_id: "u",
    });
  });
});
