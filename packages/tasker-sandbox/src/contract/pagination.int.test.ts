import { describe, expect, it } from "vitest";
import { FIXTURE } from "../fixture";
import { WS, useHttpSandbox } from "./http-client";

const { projects: P } = FIXTURE;
const OPS_ITEMS = `${WS}/projects/${P.ops.id}/work-items/`;

describe("pagination over HTTP (PLANE_API §3)", () => {
  const api = useHttpSandbox({ rateLimitPerMin: 10_000 });

  async function seed(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await api.call(OPS_ITEMS, { method: "POST", body: { name: `bulk ${i}` } });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    return ids;
  }

  it("walks 3 pages with per_page resent; -created_at order; Plane's envelope", async () => {
    await seed(9); // 3 fixture cards + 9 = 12
    const seen: string[] = [];
    const p0 = await api.call(`${OPS_ITEMS}?per_page=5`);
    expect(p0.status).toBe(200);
    expect(Object.keys(p0.body)).toEqual([
      "grouped_by",
      "sub_grouped_by",
      "total_count",
      "next_cursor",
      "prev_cursor",
      "next_page_results",
      "prev_page_results",
      "count",
      "total_pages",
      "total_results",
      "extra_stats",
      "results",
    ]);
    expect(p0.body).toMatchObject({
      grouped_by: null,
      sub_grouped_by: null,
      total_count: 12,
      next_cursor: "5:1:0",
      prev_cursor: "5:-1:1",
      next_page_results: true,
      prev_page_results: false,
      count: 5,
      total_pages: 3,
      total_results: 12,
      extra_stats: null,
    });
    expect(p0.body.results[0].name).toBe("bulk 8");
    seen.push(...p0.body.results.map((r: { id: string }) => r.id));
    const p1 = await api.call(`${OPS_ITEMS}?per_page=5&cursor=${p0.body.next_cursor}`);
    expect(p1.body).toMatchObject({ count: 5, next_cursor: "5:2:0", prev_cursor: "5:0:1", prev_page_results: true, next_page_results: true });
    seen.push(...p1.body.results.map((r: { id: string }) => r.id));
    const p2 = await api.call(`${OPS_ITEMS}?per_page=5&cursor=${p1.body.next_cursor}`);
    expect(p2.body).toMatchObject({ count: 2, next_page_results: false, prev_page_results: true });
    seen.push(...p2.body.results.map((r: { id: string }) => r.id));
    expect(new Set(seen).size).toBe(12);
    expect(p2.body.results.at(-1).name).toBe("Rotate TLS certificates");
    const times = [...p0.body.results, ...p1.body.results, ...p2.body.results].map((r: { created_at: string }) => r.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("the cursor's first number is ignored: forgetting per_page jumps by 1000", async () => {
    await seed(3);
    const r = await api.call(`${OPS_ITEMS}?cursor=2:1:0`);
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(0);
    expect(r.body.total_count).toBe(6);
    expect(r.body.next_cursor).toBe("1000:2:0");
    const right = await api.call(`${OPS_ITEMS}?per_page=2&cursor=999:1:0`);
    expect(right.body.count).toBe(2);
  });

  it("defaults to 1000 per page", async () => {
    const r = await api.call(OPS_ITEMS);
    expect(r.body).toMatchObject({ count: 3, total_pages: 1, next_cursor: "1000:1:0", prev_cursor: "1000:-1:1" });
  });

  it("per_page above 1000 → 400; malformed cursor → 400; negative page → 400", async () => {
    const big = await api.call(`${OPS_ITEMS}?per_page=1001`);
    expect(big.status).toBe(400);
    expect(big.body).toEqual({ detail: "Invalid per_page value. Cannot exceed 1000." });
    for (const cursor of ["nope", "1:2", "a:b:c", "5:1:0:0"]) {
      const r = await api.call(`${OPS_ITEMS}?per_page=5&cursor=${cursor}`);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ detail: "Invalid cursor parameter." });
    }
    const neg = await api.call(`${OPS_ITEMS}?per_page=5&cursor=5:-1:1`);
    expect(neg.status).toBe(400);
    expect(neg.body).toEqual({ detail: "Error in parsing" });
  });

  it("the same rules apply to states, labels, projects, comments and activities", async () => {
    for (const path of [
      `${WS}/projects/`,
      `${WS}/projects/${P.ops.id}/states/`,
      `${WS}/projects/${P.ops.id}/labels/`,
      `${OPS_ITEMS}${FIXTURE.cards.ops1}/comments/`,
      `${OPS_ITEMS}${FIXTURE.cards.ops1}/activities/`,
    ]) {
      const r = await api.call(`${path}?per_page=1001`);
      expect(r.status, path).toBe(400);
      const ok = await api.call(`${path}?per_page=1`);
      expect(ok.body.next_cursor, path).toBe("1:1:0");
    }
  });

  it("states are sorted by sequence with Plane's five defaults", async () => {
    const r = await api.call(`${WS}/projects/${P.demo.id}/states/`);
    expect(r.body.results.map((s: { name: string; group: string; default: boolean }) => [s.name, s.group, s.default])).toEqual([
      ["Backlog", "backlog", true],
      ["Todo", "unstarted", false],
      ["In Progress", "started", false],
      ["Done", "completed", false],
      ["Cancelled", "cancelled", false],
    ]);
  });

  it("labels are sorted by -created_at", async () => {
    const r = await api.call(`${WS}/projects/${P.demo.id}/labels/`);
    expect(r.body.results.map((l: { name: string }) => l.name)).toEqual(["docs", "feature", "bug"]);
  });
});
