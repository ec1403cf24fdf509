/**
 * Faults against the Tasker sandbox over real HTTP: Tasker down, slow, 5xx, 429, malformed
 * JSON, unexpected shapes, a bad service key, Plane ≤ 1.0 without `/work-items/`, and the
 * shared budget.
 */

import { createServer } from "node:net";
import { describe, expect, it, vi } from "vitest";
import { FIXTURE, startTaskerSandbox } from "@nodedc/tasker-sandbox";
import { createTaskerAdapter } from "./adapter.js";
import { ManualClock } from "./manual-clock.test-support.js";
import { ctx, isAllowedTaskerCall, rejection, useSandbox } from "./sandbox.test-support.js";
import { EXTERNAL_SOURCE } from "./types.js";

const S = useSandbox();
const DEMO = FIXTURE.projects.demo.id;
const CARD = FIXTURE.cards.demo1;
const ITEM_PATH = new RegExp(`/work-items/${CARD}/$`);

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe("Tasker down or slow", () => {
  it("Tasker down (closed port) → tasker_unavailable, quickly", async () => {
    const a = createTaskerAdapter({ baseUrl: `http://127.0.0.1:${await closedPort()}`, apiKey: "plane_api_x", workspaceSlug: "nodedc", connectTimeoutMs: 500 });
    try {
      const started = Date.now();
      const e = await rejection(a.getWorkItem(ctx(), DEMO, CARD));
      expect(e).toMatchObject({ code: "tasker_unavailable", retryable: true, status: 0, details: { reason: "connect_failed" } });
      expect(Date.now() - started).toBeLessThan(3_000);
      const w = await rejection(a.createWorkItem(ctx(), DEMO, { name: "x", external_source: EXTERNAL_SOURCE, external_id: "down-1" }));
      expect(w.details).toMatchObject({ reason: "connect_failed", write_applied: false });
    } finally {
      await a.close();
    }
  });

  it("slow past the timeout → tasker_unavailable within bounds, not retried", async () => {
    const a = S.adapter({ timeoutMs: 300 });
    S.sb.faults.add({ mode: "hang", method: "GET", path: ITEM_PATH, hangMs: 5_000 });
    const started = Date.now();
    const { error, requests } = await S.requestsDuring(() => a.getWorkItem(ctx(), DEMO, CARD));
    const elapsed = Date.now() - started;
    expect(error).toMatchObject({ code: "tasker_unavailable", details: { reason: "timeout" } });
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1_500);
    expect(requests.filter((r) => ITEM_PATH.test(r.path)).length).toBeLessThanOrEqual(1);
  });

  it("latency under the timeout is fine", async () => {
    const a = S.adapter({ timeoutMs: 1_000 });
    S.sb.faults.add({ mode: "latency", path: ITEM_PATH, latencyMs: 150, times: 1 });
    expect((await a.getWorkItem(ctx(), DEMO, CARD)).id).toBe(CARD);
  });

  it("a dropped connection on a read is retried", async () => {
    const a = S.adapter();
    S.sb.faults.add({ mode: "drop", method: "GET", path: ITEM_PATH, times: 1 });
    const { value, requests } = await S.requestsDuring(() => a.getWorkItem(ctx(), DEMO, CARD));
    expect(value?.id).toBe(CARD);
    expect(requests.filter((r) => ITEM_PATH.test(r.path))).toHaveLength(2);
  });
});

describe("5xx: reads retried, writes not", () => {
  it("a read succeeds after two 5xx (3 requests)", async () => {
    const a = S.adapter();
    S.sb.faults.add({ mode: "error", status: 503, method: "GET", path: ITEM_PATH, times: 2 });
    const { value, requests } = await S.requestsDuring(() => a.getWorkItem(ctx(), DEMO, CARD));
    expect(value?.id).toBe(CARD);
    expect(requests.map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it("a read gives up after 1 + 2 retries", async () => {
    const a = S.adapter();
    S.sb.faults.add({ mode: "error", status: 500, method: "GET", path: ITEM_PATH });
    const { error, requests } = await S.requestsDuring(() => a.getWorkItem(ctx(), DEMO, CARD));
    expect(error).toMatchObject({ code: "tasker_unavailable", status: 500, retryable: true });
    expect(requests).toHaveLength(3);
  });

  it("a write is sent exactly once", async () => {
    const a = S.adapter();
    S.sb.faults.add({ mode: "error", status: 502, method: "POST" });
    const { error, requests } = await S.requestsDuring(() =>
      a.createWorkItem(ctx(), DEMO, { name: "never twice", external_source: EXTERNAL_SOURCE, external_id: `w5xx-${Date.now()}` }),
    );
    expect(error).toMatchObject({ code: "tasker_unavailable", status: 502 });
    expect(requests.map((r) => r.method)).toEqual(["POST"]);
    const p = await S.requestsDuring(() => a.updateWorkItem(ctx(), DEMO, CARD, { priority: "low" }));
    expect(p.error).toBeUndefined();
    S.sb.faults.add({ mode: "error", status: 500, method: "PATCH" });
    const p2 = await S.requestsDuring(() => a.updateWorkItem(ctx(), DEMO, CARD, { priority: "medium" }));
    expect(p2.error).toMatchObject({ code: "tasker_unavailable" });
    expect(p2.requests.map((r) => r.method)).toEqual(["PATCH"]);
    S.sb.faults.clear();
    S.sb.faults.add({ mode: "error", status: 500, method: "POST", path: /\/comments\/$/ });
    const c = await S.requestsDuring(() => a.createComment(ctx(), DEMO, CARD, { comment_html: "<p>x</p>", external_source: EXTERNAL_SOURCE, external_id: `c5xx-${Date.now()}` }));
    expect(c.error).toMatchObject({ code: "tasker_unavailable" });
    expect(c.requests.map((r) => r.method)).toEqual(["POST"]);
  });
});

describe("Tasker misbehaving", () => {
  it("malformed JSON → tasker_unavailable, not a crash", async () => {
    const a = S.adapter();
    S.sb.faults.add({ mode: "malformed", method: "GET", path: ITEM_PATH, times: 1 });
    expect(await rejection(a.getWorkItem(ctx(), DEMO, CARD))).toMatchObject({ code: "tasker_unavailable", details: { reason: "malformed_json" } });
    S.sb.faults.add({ mode: "malformed", method: "GET", path: /\/states\/$/, times: 1 });
    expect((await rejection(a.listStates(ctx(), DEMO))).code).toBe("tasker_unavailable");
  });

  it("200 with an unexpected shape → tasker_unavailable, not a crash", async () => {
    const a = S.adapter();
    S.sb.faults.add({ mode: "shape", method: "GET", path: ITEM_PATH, times: 1 });
    expect(await rejection(a.getWorkItem(ctx(), DEMO, CARD))).toMatchObject({ code: "tasker_unavailable", retryable: false, details: { reason: "unexpected_shape" } });
    S.sb.faults.add({ mode: "shape", method: "GET", path: /\/comments\/$/, times: 1, body: { results: [{ id: 7 }], next_page_results: false } });
    expect((await rejection(a.listComments(ctx(), DEMO, CARD, { per_page: 5 }))).code).toBe("tasker_unavailable");
    S.sb.faults.add({ mode: "shape", method: "GET", path: /\/members\/$/, times: 1, body: "members" });
    expect((await rejection(a.ownerRight(ctx(), DEMO, FIXTURE.users.demoOwner.email))).code).toBe("tasker_unavailable");
    S.sb.faults.add({ mode: "shape", method: "GET", path: /\/workspaces\/nodedc\/members\/$/, times: 1, body: { members: [] } });
    expect((await rejection(a.ownerRight(ctx(), DEMO, FIXTURE.users.demoOwner.email))).code).toBe("tasker_unavailable");
    // nothing was cached from the broken answers
    expect((await a.ownerRight(ctx(), DEMO, FIXTURE.users.demoOwner.email)).level).toBe("write");
  });

  it("an invalid or inactive service key → a clear ops error, not the agent's fault", async () => {
    for (const apiKey of [S.sb.keys.inactive, S.sb.keys.expired, "plane_api_00000000000000000000000000000000"]) {
      const a = S.adapter({ apiKey });
      const e = await rejection(a.listProjects(ctx()));
      expect(e).toMatchObject({ code: "tasker_unavailable", status: 403, retryable: false, details: { reason: "service_key_rejected" } });
      expect(e.message).toContain("check TASKER_API_KEY");
      expect(JSON.stringify(e.details)).not.toContain(apiKey);
    }
  });
});

describe("Plane ≤ 1.0: no /work-items/ routes", () => {
  it("falls back to /issues/ once and remembers it", async () => {
    const a = S.adapter();
    S.sb.faults.add({ mode: "error", status: 404, path: /\/work-items\//, body: { error: "Page not found." } });
    const { value, requests } = await S.requestsDuring(async () => {
      const item = await a.getWorkItem(ctx(), DEMO, CARD);
      const byIdent = await a.getWorkItemByIdentifier(ctx(), "DEMO", item.sequence_id);
      const comments = await a.listComments(ctx(), DEMO, CARD, { per_page: 5 });
      const created = await a.createWorkItem(ctx(), DEMO, { name: "via issues", external_source: EXTERNAL_SOURCE, external_id: `iss-${Date.now()}` });
      return { item, byIdent, comments, created };
    });
    expect(value?.item.id).toBe(CARD);
    expect(value?.byIdent.id).toBe(CARD);
    expect(value?.comments.items.length).toBeGreaterThanOrEqual(1);
    expect(value?.created.existed).toBe(false);
    expect(requests.filter((r) => r.path.includes("/work-items/"))).toHaveLength(1);
    expect(requests.filter((r) => r.path.includes("/issues/")).map((r) => r.status)).toEqual([200, 200, 200, 201]);
  });

  it("a real not-found on /work-items/ does not switch the prefix", async () => {
    const a = S.adapter();
    await rejection(a.getWorkItemByIdentifier(ctx(), "DEMO", 9999));
    const { requests } = await S.requestsDuring(() => a.getWorkItem(ctx(), DEMO, CARD));
    expect(requests.map((r) => r.path)).toEqual([expect.stringContaining("/work-items/")]);
  });
});

describe("the shared upstream budget", () => {
  it("refuses at once what would wait too long, without calling Tasker", async () => {
    const a = S.adapter({ rateLimitPerMin: 3, budgetMaxWaitMs: 100 });
    const { requests } = await S.requestsDuring(async () => {
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => a.getWorkItem(ctx(`agent-${i}`), DEMO, CARD)));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
      for (const r of results.filter((x) => x.status === "rejected")) {
        expect((r as PromiseRejectedResult).reason).toMatchObject({ code: "tasker_unavailable", details: { reason: "upstream_budget_exhausted" } });
      }
    });
    expect(requests).toHaveLength(3);
  });

  it("shares a contended budget round-robin between agents, end to end", async () => {
    const clock = new ManualClock();
    const a = S.adapter({ rateLimitPerMin: 2, budgetMaxWaitMs: 3_600_000, clock });
    const done: string[] = [];
    const call = (agent: string, tag: string) => a.getWorkItem(ctx(agent), DEMO, CARD).then(() => void done.push(tag));
    const calls = ["b1", "b2", "b3", "b4", "b5"].map((t) => call("busy", t));
    await vi.waitFor(() => expect(done).toHaveLength(2));
    calls.push(call("quiet", "q1"));
    await clock.advance(60_001);
    await vi.waitFor(() => expect(done).toHaveLength(4));
    // FIFO would serve b3, b4 now and q1 last; round-robin serves q1 in the first free window.
    expect(done.slice(2).sort()).toEqual(["b3", "q1"]);
    await clock.advance(60_001);
    await Promise.all(calls);
    expect(done.slice(4).sort()).toEqual(["b4", "b5"]);
  });

  it("Tasker's 429 pauses the budget until Retry-After; nothing more is sent meanwhile", async () => {
    const sb = await startTaskerSandbox({ port: 0, rateLimitPerMin: 2 });
    const a = createTaskerAdapter({ baseUrl: sb.url, apiKey: sb.keys.service, workspaceSlug: sb.workspaceSlug, budgetMaxWaitMs: 200 });
    try {
      await a.getWorkItem(ctx(), DEMO, CARD);
      await a.getWorkItem(ctx(), DEMO, CARD);
      const e = await rejection(a.getWorkItem(ctx(), DEMO, CARD));
      expect(e).toMatchObject({ code: "tasker_unavailable", status: 429, retryable: true });
      expect(e.message).toContain("throttling");
      const hint = (e.details as { retry_after_s: number }).retry_after_s;
      expect(hint).toBeGreaterThanOrEqual(50);
      expect(hint).toBeLessThanOrEqual(60);
      expect(sb.requestLog.count({ status: 429 })).toBe(1);
      const before = sb.requestLog.lastSeq;
      const e2 = await rejection(a.listStates(ctx("other-agent"), DEMO));
      expect(e2.details).toMatchObject({ reason: "upstream_budget_exhausted" });
      expect(sb.requestLog.since(before)).toEqual([]);
      expect(sb.requestLog.entries().filter((r) => !isAllowedTaskerCall(r.method, r.path))).toEqual([]);
    } finally {
      await a.close();
      await sb.close();
    }
  });
});
