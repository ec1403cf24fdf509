import { describe, expect, it } from "vitest";
import { describeRounds, roundsOf, timeline, type TimedRequest } from "./rounds.ts";

const ws = "/api/v1/workspaces/nodedc/projects/11111111-1111-4111-8111-111111111111/work-items/22222222-2222-4222-8222-222222222222";
const req = (path: string, t0: number, t1: number): TimedRequest => ({ method: "GET", path: `${ws}${path}`, t0, t1 });
const shape = (rounds: TimedRequest[][]) => rounds.map((r) => r.map((c) => c.path.slice(ws.length)));

// Synthetic timings as the sandbox stamps them under its 10 ms latency fault: every request
// waits 10 ms before its handler, and the handlers (~0.3 ms each) run one at a time.
describe("roundsOf", () => {
  it("three requests sent at once are one round, though the sandbox answered them one after the other", () => {
    const rounds = roundsOf([req("/", 0, 10.3), req("/comments/", 0.1, 10.6), req("/activities/", 0.2, 10.9)]);
    expect(shape(rounds)).toEqual([["/", "/comments/", "/activities/"]]);
  });

  it("requests sent after an answer are a later round", () => {
    const rounds = roundsOf([req("/comments/", 10.6, 20.9), req("/", 0, 10.3), req("/activities/", 10.7, 21.2)]);
    expect(shape(rounds)).toEqual([["/"], ["/comments/", "/activities/"]]);
  });

  it("a request that waited for one answer is a later round even while a slow parallel request is still open", () => {
    // The old detector chained overlaps ("joins the round while any of it is still open") and
    // reported one round here: the comments request arrived before the slow search ended,
    // but after the item's answer it needed.
    const rounds = roundsOf([req("/", 0, 10.3), req("/search/", 0.1, 25), req("/comments/", 10.8, 21.1)]);
    expect(shape(rounds)).toEqual([["/", "/search/"], ["/comments/"]]);
  });

  it("the round is the longest chain of answers waited for, not the number of requests", () => {
    // metadata → item by identifier → comments ‖ activities, with an independent members fetch alongside the item
    const rounds = roundsOf([
      req("/project/", 0, 10.2),
      req("/by-identifier/", 10.5, 20.8),
      req("/members/", 10.6, 21.0),
      req("/comments/", 21.2, 31.4),
      req("/activities/", 21.3, 31.7),
    ]);
    expect(rounds.map((r) => r.length)).toEqual([1, 2, 2]);
  });

  it("no requests are no rounds", () => {
    expect(roundsOf([])).toEqual([]);
  });
});

describe("describeRounds and timeline", () => {
  it("elides workspace, ids and queries, and draws one bar per request", () => {
    const rounds = roundsOf([req("/?expand=state", 0, 10), req("/comments/", 10.5, 20.5)]);
    expect(describeRounds(rounds)).toBe("GET /projects/{id}/work-items/{id}/ → GET /projects/{id}/work-items/{id}/comments/");
    const lines = timeline(rounds, 2).split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^r1 █{5} {6} {2}GET /);
    expect(lines[1]).toMatch(/^r2 {6}█{6} {2}GET .*comments\/ {2}10\.5–20\.5 ms$/);
  });
});
