import { describe, expect, it } from "vitest";
import { FIXTURE } from "../fixture";
import { WS, useHttpSandbox, type ApiResponse } from "./http-client";

/**
 * Who may do what, exactly as Plane decides it (PLANE_API §1): the fixture has a workspace
 * guest, a project guest (workspace member, guest in DEMO), an inactive DEMO member, a
 * deactivated account, a plain member and an admin. The gateway's owner-right check is
 * tested against these answers, so they must be Plane's.
 */
const { projects: P, users: U, cards: C } = FIXTURE;
const DEMO_ITEMS = `${WS}/projects/${P.demo.id}/work-items/`;
const DEMO1_COMMENTS = `${WS}/projects/${P.demo.id}/work-items/${C.demo1}/comments/`;
const NO_PERMISSION = { detail: "You do not have permission to perform this action." };

type Who = "guest" | "projectGuest" | "inactiveMember" | "deactivated" | "member" | "demoOwner";

describe("roles and activity decide each method (PLANE_API §1)", () => {
  const api = useHttpSandbox();
  const as = (who: Who, path: string, init: { method?: string; body?: unknown } = {}): Promise<ApiResponse> =>
    api.call(path, { ...init, key: api.sb.keys[who] });
  const statuses = async (who: Who) => ({
    read: (await as(who, DEMO_ITEMS)).status,
    comment: (await as(who, DEMO1_COMMENTS, { method: "POST", body: { comment_html: "<p>hi</p>" } })).status,
    write: (await as(who, DEMO_ITEMS, { method: "POST", body: { name: "x" } })).status,
    workspaceMembers: (await as(who, `${WS}/members/`)).status,
  });

  it("guests (workspace or project) read and comment, never write", async () => {
    expect(await statuses("guest")).toEqual({ read: 200, comment: 201, write: 403, workspaceMembers: 403 });
    expect(await statuses("projectGuest")).toEqual({ read: 200, comment: 201, write: 403, workspaceMembers: 200 });
  });

  it("an inactive project member and a deactivated account get nothing in DEMO", async () => {
    expect(await statuses("inactiveMember")).toEqual({ read: 403, comment: 403, write: 403, workspaceMembers: 200 });
    expect(await statuses("deactivated")).toEqual({ read: 403, comment: 403, write: 403, workspaceMembers: 403 });
    // The deactivated user's key is still a valid key: Plane's key check ignores user.is_active.
    const me = await as("deactivated", "/api/v1/users/me/");
    expect([me.status, me.body.email]).toEqual([200, U.deactivated.email]);
    expect((await as("deactivated", DEMO_ITEMS)).body).toEqual(NO_PERMISSION);
  });

  it("members and admins write", async () => {
    expect(await statuses("member")).toEqual({ read: 200, comment: 201, write: 201, workspaceMembers: 200 });
    expect(await statuses("demoOwner")).toEqual({ read: 200, comment: 201, write: 201, workspaceMembers: 200 });
  });

  it("both member lists keep inactive rows and say nothing about activity", async () => {
    const project = await api.call(`${WS}/projects/${P.demo.id}/members/`);
    const emails = project.body.map((m: { email: string }) => m.email);
    expect(emails).toEqual(expect.arrayContaining([U.inactive.email, U.deactivated.email, U.projectGuest.email]));
    expect(project.body.every((m: object) => !("role" in m) && !("is_active" in m))).toBe(true);
    const workspace = await api.call(`${WS}/members/`);
    const byEmail = new Map(workspace.body.map((m: { email: string; role: number }) => [m.email, m]));
    expect(byEmail.get(U.deactivated.email)).toMatchObject({ role: 15 });
    expect(byEmail.get(U.guest.email)).toMatchObject({ role: 5 });
    expect(byEmail.get(U.projectGuest.email)).toMatchObject({ role: 15 });
    expect(byEmail.get(U.service.email)).toMatchObject({ role: 20 });
    expect(workspace.body.every((m: object) => !("is_active" in m))).toBe(true);
  });

  it("a soft-removed workspace member stays listed, with no access", async () => {
    api.sb.store.removeWorkspaceMember(U.member.id);
    expect((await as("member", DEMO_ITEMS)).status).toBe(403);
    expect((await as("member", `${WS}/projects/`)).status).toBe(403);
    const workspace = await api.call(`${WS}/members/`);
    expect(workspace.body.map((m: { email: string }) => m.email)).toContain(U.member.email);
  });
});

describe("the NODE.DC fork's project member list (forkMemberFields)", () => {
  const api = useHttpSandbox({ forkMemberFields: true });

  it("adds each membership's role and is_active", async () => {
    const r = await api.call(`${WS}/projects/${P.demo.id}/members/`);
    const byEmail = new Map(r.body.map((m: { email: string }) => [m.email, m]));
    expect(byEmail.get(U.demoOwner.email)).toMatchObject({ role: 20, is_active: true });
    expect(byEmail.get(U.member.email)).toMatchObject({ role: 15, is_active: true });
    expect(byEmail.get(U.projectGuest.email)).toMatchObject({ role: 5, is_active: true });
    expect(byEmail.get(U.inactive.email)).toMatchObject({ role: 15, is_active: false });
    expect(byEmail.get(U.deactivated.email)).toMatchObject({ role: 15, is_active: false });
  });

  it("survives a reset", async () => {
    api.sb.store.settings.forkMemberFields = false;
    api.sb.reset();
    const r = await api.call(`${WS}/projects/${P.demo.id}/members/`);
    expect(r.body[0]).toHaveProperty("role");
  });
});
