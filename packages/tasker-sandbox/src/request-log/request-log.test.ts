import { describe, expect, it } from "vitest";
import { RequestLog, type RequestLogEntry } from "./request-log";

const entry = (over: Partial<RequestLogEntry>): Omit<RequestLogEntry, "seq"> => ({
  method: "GET",
  path: "/api/v1/users/me/",
  query: "",
  userId: "u1",
  keyLabel: "service",
  status: 200,
  fault: null,
  startedAt: new Date(0).toISOString(),
  durationMs: 1,
  ...over,
});

describe("RequestLog", () => {
  it("numbers entries and filters them", () => {
    const log = new RequestLog();
    log.record(entry({}));
    log.record(entry({ method: "DELETE", path: "/api/v1/workspaces/nodedc/projects/p/work-items/i/", status: 204 }));
    log.record(entry({ keyLabel: "guest", userId: "u2", status: 403 }));
    expect(log.entries().map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(log.count({ method: "delete" })).toBe(1);
    expect(log.count({ keyLabel: "guest" })).toBe(1);
    expect(log.count({ userId: "u1" })).toBe(2);
    expect(log.count({ status: 403 })).toBe(1);
    expect(log.count({ pathIncludes: "/work-items/" })).toBe(1);
    expect(log.count({ pathMatches: /users\/me/ })).toBe(2);
    expect(log.since(2).map((e) => e.seq)).toEqual([3]);
    expect(log.lastSeq).toBe(3);
  });

  it("keeps numbering across clear() so `since` stays meaningful; caps its size", () => {
    const log = new RequestLog(3);
    for (let i = 0; i < 4; i++) log.record(entry({}));
    expect(log.size).toBe(4); // trimming happens in batches of capacity/8 (at least 1)
    log.record(entry({}));
    expect(log.size).toBe(3);
    expect(log.entries().map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.droppedCount).toBe(2);
    log.clear();
    expect(log.size).toBe(0);
    log.record(entry({}));
    expect(log.lastSeq).toBe(6);
  });

  it("next() settles on the first matching entry recorded later, once, and leaves other listeners alone", async () => {
    const log = new RequestLog();
    const seen: number[] = [];
    log.onRecord((e) => seen.push(e.seq));
    const slow = log.next((e) => e.fault === "latency");
    const slowTwice = log.next((e) => e.fault === "latency");
    log.record(entry({}));
    log.record(entry({ method: "POST", fault: "latency" }));
    log.record(entry({ method: "PATCH", fault: "latency" }));
    expect((await slow).seq).toBe(2);
    expect((await slowTwice).seq).toBe(2);
    await Promise.resolve();
    log.record(entry({}));
    expect(seen).toEqual([1, 2, 3, 4]);
  });
});
