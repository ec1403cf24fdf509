import { describe, expect, it } from "vitest";
import { FIXTURE, seedFixture } from "../fixture";
import { PlaneError } from "../http/plane-error";
import { SandboxStore } from "../store/sandbox-store";
import { validateWorkItemInput } from "./work-item-input";

const { projects: P, states: S, users: U } = FIXTURE;

function store(): SandboxStore {
  const s = new SandboxStore();
  seedFixture(s);
  return s;
}

function errorOf(fn: () => unknown): { status: number; body: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof PlaneError) return { status: e.status, body: e.body };
    throw e;
  }
  throw new Error("expected a PlaneError");
}

describe("validateWorkItemInput (PLANE_API §3, §4)", () => {
  it("collects several field errors at once, as DRF does", () => {
    const e = errorOf(() =>
      validateWorkItemInput(store(), P.demo.id, { priority: "x", start_date: "2026-13-01", state: 42 }, "create"),
    );
    expect(e).toEqual({
      status: 400,
      body: {
        name: ["This field is required."],
        priority: ['"x" is not a valid choice.'],
        start_date: ["Date has wrong format. Use one of these formats instead: YYYY-MM-DD."],
        state: ["Incorrect type. Expected pk value, received int."],
      },
    });
  });

  it("a non-UUID string in a pk field escapes as Django's ValidationError", () => {
    expect(errorOf(() => validateWorkItemInput(store(), P.demo.id, { name: "x", state: "todo" }, "create"))).toEqual({
      status: 400,
      body: { error: "Please provide valid detail" },
    });
  });

  it("a nonexistent state is a does-not-exist error; a foreign one a non-field error", () => {
    const missing = "11111111-2222-4333-8444-555555555555";
    expect(errorOf(() => validateWorkItemInput(store(), P.demo.id, { state: missing }, "update")).body).toEqual({
      state: [`Invalid pk "${missing}" - object does not exist.`],
    });
    expect(errorOf(() => validateWorkItemInput(store(), P.demo.id, { state: S.ops.todo }, "update")).body).toEqual({
      non_field_errors: ["State is not valid please pass a valid state_id"],
    });
  });

  it("update mode does not require name and only returns sent keys", () => {
    expect(validateWorkItemInput(store(), P.demo.id, { priority: "low", unknown: 1 }, "update")).toEqual({ priority: "low" });
  });

  it("narrows assignees by role and activity, dedupes, accepts upper-case UUIDs", () => {
    const s = store();
    const out = validateWorkItemInput(
      s,
      P.demo.id,
      { assignees: [U.demoOwner.id.toUpperCase(), U.demoOwner.id, U.guest.id] },
      "update",
    );
    expect(out.assigneeIds).toEqual([U.demoOwner.id]);
    s.setMemberRole(P.demo.id, U.guest.id, 15);
    expect(validateWorkItemInput(s, P.demo.id, { assignees: [U.guest.id] }, "update").assigneeIds).toEqual([U.guest.id]);
  });

  it("labels must be a list", () => {
    expect(errorOf(() => validateWorkItemInput(store(), P.demo.id, { labels: "bug" }, "update")).body).toEqual({
      labels: ['Expected a list of items but got type "str".'],
    });
  });
});
