import { describe, expect, it } from "vitest";
import { FaultInjector } from "./fault-injector";

describe("FaultInjector", () => {
  it("matches method and path, consumes `times`, and reports what fired", () => {
    const f = new FaultInjector();
    const rule = f.add({ mode: "error", method: "post", path: "/comments/$", times: 2 });
    expect(f.take("GET", "/x/comments/")).toBeUndefined();
    expect(f.take("POST", "/x/comments/extra")).toBeUndefined();
    expect(f.take("POST", "/x/comments/")?.id).toBe(rule.id);
    expect(f.take("POST", "/x/comments/")?.id).toBe(rule.id);
    expect(f.take("POST", "/x/comments/")).toBeUndefined();
    expect(f.list()[0]).toMatchObject({ fired: 2, remaining: 0 });
  });

  it("a rule without times fires always; the first live rule wins; remove and clear work", () => {
    const f = new FaultInjector();
    const once = f.add({ mode: "latency", latencyMs: 5, times: 1 });
    const always = f.add({ mode: "error" });
    expect(f.take("GET", "/a")?.id).toBe(once.id);
    for (let i = 0; i < 5; i++) expect(f.take("GET", "/a")?.id).toBe(always.id);
    expect(f.remove(always.id)).toBe(true);
    expect(f.take("GET", "/a")).toBeUndefined();
    f.add({ mode: "shape" });
    f.clear();
    expect(f.list()).toEqual([]);
  });

  it("rejects unknown modes", () => {
    expect(() => new FaultInjector().add({ mode: "explode" as never })).toThrow(/unknown fault mode/);
  });

  it("hang() resolves on timeout, on abort, and on releaseHangs()", async () => {
    const f = new FaultInjector();
    await f.hang(5);
    const ac = new AbortController();
    const aborted = f.hang(60_000, ac.signal);
    expect(f.hangingCount).toBe(1);
    ac.abort();
    await aborted;
    const released = f.hang(60_000);
    f.releaseHangs();
    await released;
    expect(f.hangingCount).toBe(0);
  });
});

describe("FaultInjector hold", () => {
  const req = (path: string) => ({ method: "GET", path, query: "" });

  it("keeps requests until releaseHeld(); whenHeld(n) resolves once n are held together", async () => {
    const f = new FaultInjector();
    const order: string[] = [];
    const two = f.whenHeld(2).then((held) => order.push(`held ${held.map((h) => h.path).join(",")}`));
    const a = f.hold(req("/a")).then(() => order.push("a answered"));
    await Promise.resolve();
    expect(order).toEqual([]);
    const b = f.hold(req("/b")).then(() => order.push("b answered"));
    await two;
    expect(f.held().map((h) => h.path)).toEqual(["/a", "/b"]);
    expect(order).toEqual(["held /a,/b"]);
    expect(f.releaseHeld()).toBe(2);
    await Promise.all([a, b]);
    expect(order).toEqual(["held /a,/b", "a answered", "b answered"]);
    expect(f.held()).toEqual([]);
  });

  it("a held request ends when its client goes away, and on clear()", async () => {
    const f = new FaultInjector();
    const ac = new AbortController();
    const gone = f.hold(req("/gone"), ac.signal);
    ac.abort();
    await gone;
    const cleared = f.hold(req("/cleared"));
    f.clear();
    await cleared;
    expect(f.held()).toEqual([]);
  });
});
