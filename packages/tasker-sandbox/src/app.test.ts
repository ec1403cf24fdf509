import { describe, expect, it } from "vitest";
import { FIXTURE } from "./fixture";
import { createSandbox, createSandboxApp } from "./sandbox";

const ITEM = `/api/v1/workspaces/nodedc/projects/${FIXTURE.projects.demo.id}/work-items/${FIXTURE.cards.demo1}/`;

describe("createSandbox (in-process, app.request)", () => {
  it("answers without a socket", async () => {
    const sb = createSandbox();
    const res = await sb.app.request(ITEM, { headers: { "X-Api-Key": sb.keys.service } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(FIXTURE.cards.demo1);
    expect(sb.requestLog.count()).toBe(1);
  });

  it("serviceApiKey replaces the fixture service key", async () => {
    const sb = createSandbox({ serviceApiKey: "plane_api_11112222333344445555666677778888" });
    expect(sb.keys.service).toBe("plane_api_11112222333344445555666677778888");
    const ok = await sb.app.request("/api/v1/users/me/", { headers: { "X-Api-Key": sb.keys.service } });
    expect(ok.status).toBe(200);
    const old = await sb.app.request("/api/v1/users/me/", { headers: { "X-Api-Key": FIXTURE.keys.service } });
    expect(old.status).toBe(403);
  });

  it("reset() restores the fixture and clears log, faults and windows", async () => {
    const sb = createSandbox({ rateLimitPerMin: 1 });
    const headers = { "X-Api-Key": sb.keys.service, "Content-Type": "application/json" };
    await sb.app.request(`/api/v1/workspaces/nodedc/projects/${FIXTURE.projects.demo.id}/work-items/`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "temp" }),
    });
    expect((await sb.app.request(ITEM, { headers })).status).toBe(429);
    sb.faults.add({ mode: "error" });
    sb.reset();
    expect(sb.store.countWorkItems(FIXTURE.projects.demo.id)).toBe(5);
    expect(sb.requestLog.size).toBe(0);
    expect(sb.faults.list()).toEqual([]);
    expect((await sb.app.request(ITEM, { headers })).status).toBe(200);
  });

  it("a drop fault in-process gives a network-error Response", async () => {
    const sb = createSandbox();
    sb.faults.add({ mode: "drop", times: 1 });
    const res = await sb.app.request(ITEM, { headers: { "X-Api-Key": sb.keys.service } });
    expect(res.type).toBe("error");
    expect(res.status).toBe(0);
  });

  it("controlRoutes: false hides /_sandbox/", async () => {
    const sb = createSandbox({ controlRoutes: false });
    const res = await sb.app.request("/_sandbox/health");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "Page not found." });
  });
});

describe("createSandboxApp", () => {
  it("with no arguments gives a seeded app", async () => {
    const app = createSandboxApp();
    const res = await app.request("/api/v1/users/me/", { headers: { "X-Api-Key": FIXTURE.keys.demoOwner } });
    expect(((await res.json()) as { email: string }).email).toBe(FIXTURE.users.demoOwner.email);
  });

  it("with options honours them", async () => {
    const app = createSandboxApp({ rateLimitPerMin: 1 });
    const headers = { "X-Api-Key": FIXTURE.keys.guest };
    expect((await app.request("/api/v1/users/me/", { headers })).status).toBe(200);
    expect((await app.request("/api/v1/users/me/", { headers })).status).toBe(429);
  });
});
