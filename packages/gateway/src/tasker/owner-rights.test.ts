import { describe, expect, it } from "vitest";
import { atLeast, ownerRightFrom, type ProjectMembership, type WorkspaceRoles } from "./owner-rights.js";
import type { MembershipFacts } from "./plane-schemas.js";

const E = "a@b.c";
const project = (facts?: MembershipFacts): ProjectMembership => ({
  byEmail: new Map(facts ? [[E, facts]] : []),
  activityReported: facts?.active != null,
});
const workspace = (facts?: MembershipFacts): WorkspaceRoles => ({ readable: true, byEmail: new Map(facts ? [[E, facts]] : []) });
const plain = (role: number | null): MembershipFacts => ({ role, active: null });

describe("ownerRightFrom", () => {
  it.each([
    ["plain Plane member", project(plain(null)), workspace(plain(15)), "write", "writer"],
    ["plain Plane admin", project(plain(null)), workspace(plain(20)), "write", "writer"],
    ["workspace guest", project(plain(null)), workspace(plain(5)), "comment", "guest"],
    ["fork: project guest of a workspace member", project({ role: 5, active: true }), workspace(plain(15)), "comment", "guest"],
    ["fork: project admin capped by a workspace guest role", project({ role: 20, active: true }), workspace(plain(5)), "comment", "guest"],
    ["fork: inactive project membership", project({ role: 15, active: false }), workspace(plain(15)), "none", "membership_inactive"],
    ["fork: inactive workspace membership", project(plain(null)), workspace({ role: 15, active: false }), "none", "membership_inactive"],
    ["not listed in the project", project(), workspace(plain(20)), "none", "not_project_member"],
    ["listed in the project, not in the workspace", project(plain(null)), workspace(), "none", "not_workspace_member"],
    ["no usable workspace role", project(plain(null)), workspace(plain(null)), "comment", "role_unknown"],
    ["workspace list unreadable", project(plain(null)), { readable: false } as WorkspaceRoles, "comment", "workspace_roles_unreadable"],
  ])("%s → %s (%s)", (_name, p, w, level, reason) => {
    expect(ownerRightFrom(" A@B.C ", p, w)).toMatchObject({ level, reason });
  });

  it("an empty email matches nobody", () => {
    expect(ownerRightFrom("", project(plain(null)), workspace(plain(20))).level).toBe("none");
  });

  it("levels are ordered none < read < comment < write", () => {
    expect([atLeast("write", "read"), atLeast("comment", "read"), atLeast("comment", "write"), atLeast("none", "read")]).toEqual([true, true, false, false]);
  });
});
