import { describe, expect, it } from "vitest";
import { FIXTURE, seedFixture } from "../fixture";
import { createWorkItemRow } from "../work-items/create-work-item";
import { SandboxStore } from "./sandbox-store";

const { projects: P, users: U, cards: C, states: S } = FIXTURE;

function seeded(): SandboxStore {
  const store = new SandboxStore();
  seedFixture(store);
  return store;
}

const newItem = (store: SandboxStore, name: string, extra: Partial<Parameters<typeof createWorkItemRow>[1]> = {}) =>
  createWorkItemRow(store, {
    projectId: P.ops.id,
    name,
    descriptionHtml: "<p></p>",
    priority: "none",
    stateId: null,
    parentId: null,
    labelIds: [],
    assigneeIds: [],
    actorId: U.service.id,
    externalSource: null,
    externalId: null,
    ...extra,
  });

describe("SandboxStore", () => {
  it("seeds the fixture: 3 projects, DEMO 1..5, members with roles", () => {
    const store = seeded();
    expect(store.listProjects().map((p) => p.identifier)).toEqual(["DEMO", "OPS", "SECRET"]);
    expect(store.visibleWorkItems(P.demo.id).map((w) => w.sequenceId)).toEqual([1, 2, 3, 4, 5]);
    expect(store.activeMembership(P.demo.id, U.demoOwner.id)?.role).toBe(20);
    expect(store.activeMembership(P.demo.id, U.guest.id)?.role).toBe(5);
    expect(store.membership(P.demo.id, U.inactive.id)?.isActive).toBe(false);
    expect(store.activeMembership(P.secret.id, U.service.id)).toBeUndefined();
    expect(store.activeProjectIdsOf(U.outsider.id)).toEqual([]);
    expect(store.defaultState(P.demo.id)?.id).toBe(S.demo.backlog);
  });

  it("keeps visible items ordered by created_at, even with a created_at override", () => {
    const store = seeded();
    const late = newItem(store, "late");
    const early = newItem(store, "early", { createdAt: Date.UTC(2020, 0, 1) });
    const order = store.visibleWorkItems(P.ops.id).map((w) => w.name);
    expect(order[0]).toBe("early");
    expect(order.at(-1)).toBe("late");
    expect(early.sequenceId).toBe(late.sequenceId + 1);
  });

  it("hides archived, draft and deleted rows; sequence numbers are never reused", () => {
    const store = seeded();
    store.archiveWorkItem(C.ops1);
    expect(store.getWorkItem(C.ops1)).toBeUndefined();
    expect(store.workItemBySequence(P.ops.id, 1)).toBeUndefined();
    expect(store.countWorkItems(P.ops.id)).toBe(2);
    store.archiveWorkItem(C.ops1, false);
    expect(store.getWorkItem(C.ops1)?.id).toBe(C.ops1);
    store.setWorkItemDraft(C.ops2, true);
    expect(store.getWorkItem(C.ops2)).toBeUndefined();
    const item = newItem(store, "x");
    store.softDeleteWorkItem(item, store.now());
    expect(store.getWorkItem(item.id)).toBeUndefined();
    expect(store.getWorkItemRaw(item.id)?.deletedAt).not.toBeNull();
    expect(newItem(store, "y").sequenceId).toBe(item.sequenceId + 1);
    expect(store.countWorkItems(P.ops.id, { includeDeleted: true })).toBe(5);
  });

  it("indexes external refs: archived rows still count, deleted and changed ones do not", () => {
    const store = seeded();
    const item = newItem(store, "ext", { externalSource: "jira", externalId: "J-1" });
    expect(store.workItemsByExternalRef(P.ops.id, "jira", "J-1").map((w) => w.id)).toEqual([item.id]);
    expect(store.workItemsByExternalRef(P.demo.id, "jira", "J-1")).toEqual([]);
    store.archiveWorkItem(item.id);
    expect(store.workItemsByExternalRef(P.ops.id, "jira", "J-1")).toHaveLength(1);
    store.updateWorkItem(item, { externalId: "J-2" });
    expect(store.workItemsByExternalRef(P.ops.id, "jira", "J-1")).toEqual([]);
    store.softDeleteWorkItem(item, store.now());
    expect(store.workItemsByExternalRef(P.ops.id, "jira", "J-2")).toEqual([]);
  });

  it("sort_order is 65535, then the highest in the same state + 10000", () => {
    const store = seeded();
    const a = newItem(store, "a", { stateId: S.ops.done });
    const b = newItem(store, "b", { stateId: S.ops.done });
    expect([a.sortOrder, b.sortOrder]).toEqual([65535, 75535]);
  });

  it("membership changes", () => {
    const store = seeded();
    store.addMember(P.secret.id, U.service.id, 15);
    expect(store.activeProjectIdsOf(U.service.id)).toEqual([P.demo.id, P.ops.id, P.secret.id]);
    store.setMemberActive(P.secret.id, U.service.id, false);
    expect(store.activeMembership(P.secret.id, U.service.id)).toBeUndefined();
    expect(() => store.setMemberActive(P.secret.id, U.outsider.id, true)).toThrow(/not a member/);
  });
});
