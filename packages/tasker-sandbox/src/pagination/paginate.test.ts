import { describe, expect, it } from "vitest";
import { PlaneError } from "../http/plane-error";
import { paginateList, parsePageRequest } from "./paginate";

function parseError(query: Record<string, string>): unknown {
  try {
    parsePageRequest(query);
  } catch (e) {
    return e instanceof PlaneError ? { status: e.status, body: e.body } : e;
  }
  return "no error";
}

describe("parsePageRequest (PLANE_API §3)", () => {
  it("defaults to per_page 1000, page 0", () => {
    expect(parsePageRequest({})).toEqual({ perPage: 1000, page: 0 });
  });

  it("ignores the cursor's first number: the offset uses the per_page query param", () => {
    expect(parsePageRequest({ per_page: "5", cursor: "20:3:0" })).toEqual({ perPage: 5, page: 3 });
    expect(parsePageRequest({ cursor: "20:3:0" })).toEqual({ perPage: 1000, page: 3 });
  });

  it("rejects per_page above 1000 with Plane's message", () => {
    expect(parseError({ per_page: "1001" })).toEqual({
      status: 400,
      body: { detail: "Invalid per_page value. Cannot exceed 1000." },
    });
    expect(parsePageRequest({ per_page: "1000" }).perPage).toBe(1000);
  });

  it("rejects malformed cursors and negative pages", () => {
    for (const cursor of ["abc", "1:2", "1:2:3:4", "x:1:0", "20:y:0", ""]) {
      expect(parseError({ cursor })).toEqual({ status: 400, body: { detail: "Invalid cursor parameter." } });
    }
    expect(parseError({ cursor: "20:-1:1" })).toEqual({ status: 400, body: { detail: "Error in parsing" } });
  });
});

describe("paginateList", () => {
  const items = Array.from({ length: 45 }, (_, i) => i);

  it("gives Plane's envelope for the first page", () => {
    const page = paginateList(items, { perPage: 20, page: 0 }, (n) => n);
    expect(page).toEqual({
      grouped_by: null,
      sub_grouped_by: null,
      total_count: 45,
      next_cursor: "20:1:0",
      prev_cursor: "20:-1:1",
      next_page_results: true,
      prev_page_results: false,
      count: 20,
      total_pages: 3,
      total_results: 45,
      extra_stats: null,
      results: items.slice(0, 20),
    });
  });

  it("gives the last partial page and an empty page beyond", () => {
    const last = paginateList(items, { perPage: 20, page: 2 }, (n) => n);
    expect(last.results).toEqual([40, 41, 42, 43, 44]);
    expect(last.next_page_results).toBe(false);
    expect(last.prev_page_results).toBe(true);
    expect(last.prev_cursor).toBe("20:1:1");
    const beyond = paginateList(items, { perPage: 20, page: 7 }, (n) => n);
    expect(beyond.count).toBe(0);
    expect(beyond.results).toEqual([]);
  });
});
