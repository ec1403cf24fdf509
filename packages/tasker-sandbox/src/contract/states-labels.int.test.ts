import { describe, expect, it } from "vitest";
import { FIXTURE } from "../fixture";
import { WS, useHttpSandbox } from "./http-client";

const { projects: P, states: S, labels: L, cards: C } = FIXTURE;
const DEMO = `${WS}/projects/${P.demo.id}`;

describe("states and labels writes (PLANE_API §3)", () => {
  const api = useHttpSandbox();

  it("state POST returns 200 (not 201); the new state sorts last; a duplicate name → 409", async () => {
    const r = await api.call(`${DEMO}/states/`, { method: "POST", body: { name: "Review", color: "#123456", group: "started" } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: "Review", color: "#123456", group: "started", default: false, project: P.demo.id });
    const list = await api.call(`${DEMO}/states/`);
    expect(list.body.results.at(-1).name).toBe("Review");
    const dup = await api.call(`${DEMO}/states/`, { method: "POST", body: { name: "Todo", color: "#000000" } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ error: "State with the same name already exists in the project", id: S.demo.todo });
    const invalid = await api.call(`${DEMO}/states/`, { method: "POST", body: { name: "X", group: "nope" } });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ color: ["This field is required."], group: ['"nope" is not a valid choice.'] });
  });

  it("label POST returns 201; a duplicate name → 409 with the existing id; guests cannot write", async () => {
    const r = await api.call(`${DEMO}/labels/`, { method: "POST", body: { name: "ux", color: "#ff00ff" } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: "ux", color: "#ff00ff", project: P.demo.id, parent: null });
    const list = await api.call(`${DEMO}/labels/`);
    expect(list.body.results[0].name).toBe("ux");
    const dup = await api.call(`${DEMO}/labels/`, { method: "POST", body: { name: "bug" } });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual({ error: "Label with the same name already exists in the project", id: L.demo.bug });
    const guest = await api.call(`${DEMO}/labels/`, { method: "POST", key: api.sb.keys.guest, body: { name: "g" } });
    expect(guest.status).toBe(403);
  });

  it("state and label details; another project's id through DEMO is 404", async () => {
    expect((await api.call(`${DEMO}/states/${S.demo.done}/`)).body.name).toBe("Done");
    expect((await api.call(`${DEMO}/labels/${L.demo.docs}/`)).body.name).toBe("docs");
    const foreign = await api.call(`${DEMO}/states/${S.ops.done}/`);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ error: "The requested resource does not exist." });
  });

  it("comments and activities are served on the deprecated /issues/ prefix too", async () => {
    const comments = await api.call(`${DEMO}/issues/${C.demo1}/comments/`);
    expect(comments.status).toBe(200);
    expect(comments.body.total_count).toBe(1);
    const post = await api.call(`${DEMO}/issues/${C.demo1}/comments/`, { method: "POST", body: { comment_html: "<p>old path</p>" } });
    expect(post.status).toBe(201);
    const activities = await api.call(`${DEMO}/issues/${C.demo1}/activities/`);
    expect(activities.body.results[0]).toMatchObject({ verb: "created", field: null });
  });
});
