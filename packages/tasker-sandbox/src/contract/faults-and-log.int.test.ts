import { describe, expect, it } from "vitest";
import { FIXTURE } from "../fixture";
import { MALFORMED_BODY } from "../faults/apply-fault";
import { WS, useHttpSandbox } from "./http-client";

const { projects: P, cards: C, users: U } = FIXTURE;
const ITEM = `${WS}/projects/${P.demo.id}/work-items/${C.demo1}/`;
const SERVER_ERROR = { error: "Something went wrong please try again later" };

describe("fault injection over HTTP", () => {
  const api = useHttpSandbox();

  it("error: Plane's 500 body for the next N matching requests only", async () => {
    api.sb.faults.add({ mode: "error", method: "GET", path: /\/work-items\/[^/]+\/$/, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await api.call(ITEM);
      expect(r.status).toBe(500);
      expect(r.body).toEqual(SERVER_ERROR);
    }
    expect((await api.call(ITEM)).status).toBe(200);
  });

  it("error with a custom status (503), matching by method", async () => {
    api.sb.faults.add({ mode: "error", method: "POST", status: 503 });
    expect((await api.call(ITEM)).status).toBe(200);
    const r = await api.call(`${WS}/projects/${P.demo.id}/work-items/`, { method: "POST", body: { name: "x" } });
    expect(r.status).toBe(503);
    expect(api.sb.store.countWorkItems(P.demo.id)).toBe(5);
  });

  it("latency delays the real answer", async () => {
    api.sb.faults.add({ mode: "latency", latencyMs: 150, times: 1 });
    const t0 = performance.now();
    const r = await api.call(ITEM);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(C.demo1);
  });

  it("malformed: 200 with a body that is not JSON", async () => {
    api.sb.faults.add({ mode: "malformed", times: 1 });
    const r = await api.call(ITEM);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(r.text).toBe(MALFORMED_BODY);
    expect(() => JSON.parse(r.text)).toThrow();
  });

  it("shape: 200 with JSON of an unexpected shape", async () => {
    api.sb.faults.add({ mode: "shape", times: 1 });
    expect((await api.call(ITEM)).body).toEqual({ unexpected: true });
    api.sb.faults.add({ mode: "shape", times: 1, body: [1, 2, 3] });
    expect((await api.call(ITEM)).body).toEqual([1, 2, 3]);
  });

  it("drop: the connection is destroyed without an answer", async () => {
    api.sb.faults.add({ mode: "drop", times: 1 });
    await expect(fetch(`${api.sb.url}${ITEM}`, { headers: { "X-Api-Key": api.sb.keys.service } })).rejects.toThrow();
    expect((await api.call(ITEM)).status).toBe(200);
    expect(api.sb.requestLog.entries({ method: "GET" }).map((e) => [e.status, e.fault])).toEqual([
      [0, "drop"],
      [200, null],
    ]);
  });

  it("hang: no answer before the client's timeout; the client's abort ends it", async () => {
    api.sb.faults.add({ mode: "hang", times: 1 });
    const t0 = performance.now();
    await expect(
      fetch(`${api.sb.url}${ITEM}`, { headers: { "X-Api-Key": api.sb.keys.service }, signal: AbortSignal.timeout(200) }),
    ).rejects.toThrow();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(190);
    expect((await api.call(ITEM)).status).toBe(200);
    await expect.poll(() => api.sb.faults.hangingCount).toBe(0);
  });

  it("hold: requests wait together until released, then get their real answers; the log shows they overlapped", async () => {
    api.sb.faults.add({ mode: "hold", method: "GET" });
    const from = api.sb.requestLog.lastSeq;
    const calls = Promise.all([api.call(ITEM), api.call(`${WS}/projects/${P.demo.id}/states/?per_page=5`)]);
    const held = await api.sb.faults.whenHeld(2);
    expect(held.map((h) => `${h.path}?${h.query}`).sort()).toEqual([`${ITEM}?`, `${WS}/projects/${P.demo.id}/states/?per_page=5`].sort());
    expect(api.sb.requestLog.since(from)).toEqual([]); // nothing answered yet
    expect(api.sb.faults.releaseHeld()).toBe(2);
    const [item, states] = await calls;
    expect([item.status, states.status]).toEqual([200, 200]);
    expect(item.body.id).toBe(C.demo1);
    const [a, b] = api.sb.requestLog.since(from);
    // Each arrived before the other finished.
    expect(a!.startedMs! < b!.startedMs! + b!.durationMs && b!.startedMs! < a!.startedMs! + a!.durationMs).toBe(true);
  });

  it("rules without `times` fire always until cleared", async () => {
    api.sb.faults.add({ mode: "error", path: "^/api/v1/users/me/$" });
    for (let i = 0; i < 3; i++) expect((await api.call("/api/v1/users/me/")).status).toBe(500);
    expect((await api.call(ITEM)).status).toBe(200);
    api.sb.faults.clear();
    expect((await api.call("/api/v1/users/me/")).status).toBe(200);
  });
});

describe("request log", () => {
  const api = useHttpSandbox({ deleteTesting: true });

  it("records method, path, query, user and key label — never the key — and the status", async () => {
    await api.call(`${ITEM}?fields=id`);
    await api.call(ITEM, { key: null });
    await api.call(ITEM, { key: "plane_api_00000000000000000000000000000000" });
    await api.call(ITEM, { method: "PATCH", key: api.sb.keys.demoOwner, body: { priority: "low" } });
    const entries = api.sb.requestLog.entries();
    expect(entries.map((e) => [e.method, e.path, e.query, e.userId, e.keyLabel, e.status])).toEqual([
      ["GET", ITEM, "fields=id", U.service.id, "service", 200],
      ["GET", ITEM, "", null, null, 401],
      ["GET", ITEM, "", null, "unknown", 403],
      ["PATCH", ITEM, "", U.demoOwner.id, "demoOwner", 200],
    ]);
    const serialized = JSON.stringify(entries);
    for (const key of Object.values(FIXTURE.keys)) expect(serialized).not.toContain(key);
    expect(serialized).not.toContain("plane_api_");
    expect(entries.every((e) => e.startedAt.endsWith("Z") && e.durationMs >= 0)).toBe(true);
  });

  it("counts by method: a test can prove zero DELETE calls", async () => {
    await api.call(ITEM);
    expect(api.sb.requestLog.count({ method: "DELETE" })).toBe(0);
    await api.call(ITEM, { method: "DELETE", key: api.sb.keys.demoOwner });
    expect(api.sb.requestLog.count({ method: "delete" })).toBe(1);
    const from = api.sb.requestLog.lastSeq;
    await api.call(ITEM);
    expect(api.sb.requestLog.since(from).map((e) => e.status)).toEqual([404]);
  });
});

describe("/_sandbox/ control endpoints", () => {
  const api = useHttpSandbox();
  const control = (path: string, init: RequestInit = {}) => fetch(`${api.sb.url}/_sandbox/${path}`, init);

  it("faults can be added, listed and removed over HTTP", async () => {
    const add = await control("faults", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ mode: "error", status: 502, path: "/work-items/", times: 1 }),
    });
    expect(add.status).toBe(201);
    const rule = (await add.json()) as { id: number; remaining: number };
    expect(rule.remaining).toBe(1);
    expect((await api.call(ITEM)).status).toBe(502);
    const list = (await (await control("faults")).json()) as { faults: Array<{ id: number; fired: number }> };
    expect(list.faults).toEqual([expect.objectContaining({ id: rule.id, fired: 1 })]);
    expect((await control(`faults/${rule.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await control("faults", { method: "POST", body: JSON.stringify({ mode: "explode" }) })).status).toBe(400);
  });

  it("the request log is readable and control calls are not in it", async () => {
    await api.call(ITEM);
    const r = (await (await control("requests?method=get")).json()) as { count: number; entries: Array<{ path: string }> };
    expect(r.count).toBe(1);
    expect(r.entries[0]?.path).toBe(ITEM);
    expect(api.sb.requestLog.entries().some((e) => e.path.startsWith("/_sandbox/"))).toBe(false);
  });

  it("membership can be changed and everything reset", async () => {
    const m = await control("members", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ projectId: P.demo.id, userId: U.service.id, isActive: false }),
    });
    expect(m.status).toBe(200);
    expect((await api.call(ITEM)).status).toBe(403);
    await api.call(`${WS}/projects/${P.ops.id}/work-items/`, { method: "POST", body: { name: "temp" } });
    expect((await control("reset", { method: "POST" })).status).toBe(204);
    expect((await api.call(ITEM)).status).toBe(200);
    expect(api.sb.store.countWorkItems(P.ops.id)).toBe(3);
    expect(api.sb.requestLog.size).toBe(1);
  });
});
