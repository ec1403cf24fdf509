import { describe, expect, it } from "vitest";
import { FIXTURE } from "../fixture";
import { WS, useHttpSandbox } from "./http-client";

const { projects: P, users: U, cards: C } = FIXTURE;
const DEMO_ITEMS = `${WS}/projects/${P.demo.id}/work-items/`;
const NO_PERMISSION = { detail: "You do not have permission to perform this action." };
const INVALID_TOKEN = { detail: "Given API token is not valid" };

describe("authentication (PLANE_API §1)", () => {
  const api = useHttpSandbox();

  it("401 without a key, on every kind of route", async () => {
    for (const path of [`${WS}/projects/`, DEMO_ITEMS, "/api/v1/users/me/", `${WS}/work-items/DEMO-1/`]) {
      const r = await api.call(path, { key: null });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ detail: "Authentication credentials were not provided." });
    }
    const empty = await api.call(`${WS}/projects/`, { key: "" });
    expect(empty.status).toBe(401);
  });

  it("403 for an unknown, inactive or expired key", async () => {
    for (const key of ["plane_api_00000000000000000000000000000000", api.sb.keys.inactive, api.sb.keys.expired, "garbage"]) {
      const r = await api.call(`${WS}/projects/`, { key });
      expect(r.status).toBe(403);
      expect(r.body).toEqual(INVALID_TOKEN);
    }
  });

  it("accepts the header in any case", async () => {
    const r = await api.call("/api/v1/users/me/", { key: null, headers: { "x-api-key": api.sb.keys.service } });
    expect(r.status).toBe(200);
    const upper = await api.call("/api/v1/users/me/", { key: null, headers: { "X-API-KEY": api.sb.keys.demoOwner } });
    expect(upper.body.email).toBe(U.demoOwner.email);
  });

  it("users/me returns the key owner's UserLite", async () => {
    const r = await api.call("/api/v1/users/me/");
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: U.service.id,
      first_name: "Tasker",
      last_name: "Gateway",
      email: "tasker-gateway@nodedc.local",
      avatar: "",
      avatar_url: null,
      display_name: "tasker-gateway",
    });
  });
});

describe("scoping by membership (PLANE_API §1)", () => {
  const api = useHttpSandbox();

  it("403 on a project the key's user is not a member of, and on an unknown project UUID", async () => {
    for (const pid of [P.secret.id, "11111111-2222-4333-8444-555555555555"]) {
      for (const suffix of ["work-items/", "issues/", "states/", `work-items/${C.secret1}/`, `work-items/${C.secret1}/comments/`, `work-items/${C.secret1}/activities/`]) {
        const r = await api.call(`${WS}/projects/${pid}/${suffix}`);
        expect(r.status, suffix).toBe(403);
        expect(r.body).toEqual(NO_PERMISSION);
      }
    }
  });

  it("project detail: 404 for an unknown or invisible project, 200 for a member", async () => {
    const missing = await api.call(`${WS}/projects/11111111-2222-4333-8444-555555555555/`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: "The requested resource does not exist." });
    const secret = await api.call(`${WS}/projects/${P.secret.id}/`);
    expect(secret.status).toBe(404);
    const demo = await api.call(`${WS}/projects/${P.demo.id}/`);
    expect(demo.status).toBe(200);
    expect(demo.body).toMatchObject({ id: P.demo.id, identifier: "DEMO", name: "Demo project", is_member: true, member_role: 15 });
  });

  it("projects list shows only the user's projects", async () => {
    const r = await api.call(`${WS}/projects/`);
    expect(r.body.results.map((p: { identifier: string }) => p.identifier)).toEqual(["DEMO", "OPS"]);
    const secret = await api.call(`${WS}/projects/`, { key: api.sb.keys.secretOwner });
    expect(secret.body.results.map((p: { identifier: string }) => p.identifier)).toEqual(["SECRET"]);
    const outsider = await api.call(`${WS}/projects/`, { key: api.sb.keys.outsider });
    expect(outsider.status).toBe(200);
    expect(outsider.body.results).toEqual([]);
  });

  it("labels GET for a non-member or unknown project is an empty 200 page", async () => {
    for (const pid of [P.secret.id, "11111111-2222-4333-8444-555555555555"]) {
      const r = await api.call(`${WS}/projects/${pid}/labels/`);
      expect(r.status).toBe(200);
      expect(r.body.results).toEqual([]);
      expect(r.body.total_count).toBe(0);
    }
    // A user in no project at all fails the permission class.
    const outsider = await api.call(`${WS}/projects/${P.demo.id}/labels/`, { key: api.sb.keys.outsider });
    expect(outsider.status).toBe(403);
    expect(outsider.body).toEqual(NO_PERMISSION);
  });

  it("project members: plain array, readable for any project, inactive members included", async () => {
    const r = await api.call(`${WS}/projects/${P.demo.id}/members/`);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body)).toBe(true);
    expect(r.body.map((u: { email: string }) => u.email).sort()).toEqual(
      [U.demoOwner.email, U.service.email, U.guest.email, U.inactive.email, U.projectGuest.email, U.member.email, U.deactivated.email].sort(),
    );
    expect(Object.keys(r.body[0]).sort()).toEqual(["avatar", "avatar_url", "display_name", "email", "first_name", "id", "last_name"]);
    const alias = await api.call(`${WS}/projects/${P.demo.id}/project-members/`);
    expect(alias.body).toEqual(r.body);
    const secret = await api.call(`${WS}/projects/${P.secret.id}/members/`);
    expect(secret.status).toBe(200);
    expect(secret.body.map((u: { email: string }) => u.email)).toEqual([U.secretOwner.email]);
  });

  it("workspace members: UserLite plus role, refused to guests", async () => {
    const r = await api.call(`${WS}/members/`);
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(9);
    expect(r.body.find((m: { email: string }) => m.email === U.demoOwner.email)).toMatchObject({ id: U.demoOwner.id, role: 20 });
    const guest = await api.call(`${WS}/members/`, { key: api.sb.keys.guest });
    expect(guest.status).toBe(403);
    expect(guest.body).toEqual(NO_PERMISSION);
  });

  it("a deactivated member loses access at once; reactivation restores it", async () => {
    api.sb.store.setMemberActive(P.demo.id, U.service.id, false);
    const denied = await api.call(DEMO_ITEMS);
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual(NO_PERMISSION);
    api.sb.store.setMemberActive(P.demo.id, U.service.id, true);
    expect((await api.call(DEMO_ITEMS)).status).toBe(200);
  });

  it("the inactive member's own key is refused on DEMO", async () => {
    const r = await api.call(DEMO_ITEMS, { key: api.sb.keys.inactiveMember });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(NO_PERMISSION);
  });

  it("a guest may read work items but not create them", async () => {
    expect((await api.call(DEMO_ITEMS, { key: api.sb.keys.guest })).status).toBe(200);
    const r = await api.call(DEMO_ITEMS, { method: "POST", key: api.sb.keys.guest, body: { name: "nope" } });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(NO_PERMISSION);
  });

  it("an unknown workspace slug is 403", async () => {
    const r = await api.call(`/api/v1/workspaces/other/projects/`);
    expect(r.status).toBe(403);
    expect(r.body).toEqual(NO_PERMISSION);
  });
});

describe("URL handling (PLANE_API §1, §2, §4)", () => {
  const api = useHttpSandbox({ deleteTesting: true });

  it("301 to the slashed URL for a slash-less one, query kept, for GET and POST alike", async () => {
    const get = await api.call(`${WS}/projects/${P.demo.id}/work-items?per_page=2`);
    expect(get.status).toBe(301);
    expect(get.headers.get("location")).toBe(`${DEMO_ITEMS}?per_page=2`);
    const before = api.sb.store.countWorkItems(P.demo.id);
    const post = await api.call(`${WS}/projects/${P.demo.id}/work-items`, { method: "POST", body: { name: "lost" } });
    expect(post.status).toBe(301);
    expect(post.text).toBe("");
    expect(api.sb.store.countWorkItems(P.demo.id)).toBe(before);
    // No auth needed to be redirected: URL resolution comes first.
    expect((await api.call("/api/v1/users/me", { key: null })).status).toBe(301);
  });

  it("404 Page not found for unknown URLs and non-UUID ids, before auth", async () => {
    for (const path of [
      "/api/v1/nothing/",
      `${WS}/projects/not-a-uuid/work-items/`,
      `${WS}/projects/${P.demo.id}/work-items/123/`,
      `${WS}/projects/${P.demo.id.toUpperCase()}/`,
      `${WS}/projects/${P.demo.id}/cycles-nope/`,
      `${WS}/work-items/NOHYPHEN/`,
      "/api/v1/nothing",
    ]) {
      const r = await api.call(path, { key: null });
      expect(r.status, path).toBe(404);
      expect(r.body).toEqual({ error: "Page not found." });
    }
  });

  it("404 resource does not exist for a missing object", async () => {
    const r = await api.call(`${DEMO_ITEMS}11111111-2222-4333-8444-555555555555/`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: "The requested resource does not exist." });
  });

  it("405 for PUT (and other unrouted methods) after auth", async () => {
    const put = await api.call(`${DEMO_ITEMS}${C.demo1}/`, { method: "PUT", body: { name: "x" } });
    expect(put.status).toBe(405);
    expect(put.body).toEqual({ detail: 'Method "PUT" not allowed.' });
    const putList = await api.call(DEMO_ITEMS, { method: "PUT", body: {} });
    expect(putList.body).toEqual({ detail: 'Method "PUT" not allowed.' });
    const delList = await api.call(DEMO_ITEMS, { method: "DELETE" });
    expect(delList.status).toBe(405);
    expect(delList.body).toEqual({ detail: 'Method "DELETE" not allowed.' });
    const noKey = await api.call(`${DEMO_ITEMS}${C.demo1}/`, { method: "PUT", key: null });
    expect(noKey.status).toBe(401);
  });

  it("400 JSON parse error for a broken body", async () => {
    const r = await api.call(DEMO_ITEMS, { method: "POST", rawBody: "{bad", headers: { "Content-Type": "application/json" } });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body)).toEqual(["detail"]);
    expect(r.body.detail).toMatch(/^JSON parse error - /);
  });

  it("DRF body parsing: no Content-Type → empty data; text/plain → 415; a JSON list → non-field error", async () => {
    const bare = await api.call(DEMO_ITEMS, { method: "POST", rawBody: new TextEncoder().encode(JSON.stringify({ name: "x" })) });
    expect(bare.status).toBe(400);
    expect(bare.body).toEqual({ name: ["This field is required."] });
    const text = await api.call(DEMO_ITEMS, { method: "POST", rawBody: "{}", headers: { "Content-Type": "text/plain" } });
    expect(text.status).toBe(415);
    expect(text.body).toEqual({ detail: 'Unsupported media type "text/plain" in request.' });
    const list = await api.call(DEMO_ITEMS, { method: "POST", body: [1] });
    expect(list.status).toBe(400);
    expect(list.body).toEqual({ non_field_errors: ["Invalid data. Expected a dictionary, but got list."] });
  });

  it("HEAD is answered like GET, without a body", async () => {
    const r = await api.call(`${DEMO_ITEMS}${C.demo1}/`, { method: "HEAD" });
    expect(r.status).toBe(200);
    expect(r.text).toBe("");
  });

  it("timestamps are ISO-8601 with Z", async () => {
    const r = await api.call(`${DEMO_ITEMS}${C.demo1}/`);
    expect(r.body.created_at).toBe("2026-11-01T09:00:00.000000Z");
    expect(r.body.updated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  });
});
