import { describe, expect, it } from "vitest";
import { ManualClock } from "./manual-clock.test-support.js";
import { TaskerError } from "./errors.js";
import { MetadataCache } from "./metadata-cache.js";

describe("MetadataCache", () => {
  it("serves a fresh value without loading again, and reloads after the TTL", async () => {
    const clock = new ManualClock();
    const cache = new MetadataCache(30_000, clock);
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get("k", load)).toBe(1);
    await clock.advance(29_999);
    expect(await cache.get("k", load)).toBe(1);
    await clock.advance(1);
    expect(await cache.get("k", load)).toBe(2);
  });

  it("shares one load between concurrent identical gets (single flight)", async () => {
    const cache = new MetadataCache(30_000, new ManualClock());
    let loads = 0;
    let release!: (v: string) => void;
    const load = () => {
      loads++;
      return new Promise<string>((r) => (release = r));
    };
    let hits = 0;
    const all = Promise.all([cache.get("k", load), cache.get("k", load, () => hits++), cache.get("k", load, () => hits++)]);
    release("v");
    expect(await all).toEqual(["v", "v", "v"]);
    expect(loads).toBe(1);
    expect(hits).toBe(2);
  });

  it("does not cache failures", async () => {
    const cache = new MetadataCache(30_000, new ManualClock());
    await expect(cache.get("k", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await cache.get("k", async () => "up")).toBe("up");
  });

  it("a TTL of 0 disables caching but keeps single flight", async () => {
    const cache = new MetadataCache(0, new ManualClock());
    let loads = 0;
    await cache.get("k", async () => ++loads);
    await cache.get("k", async () => ++loads);
    expect(loads).toBe(2);
  });

  it("stays bounded", async () => {
    const cache = new MetadataCache(30_000, new ManualClock(), 10);
    for (let i = 0; i < 50; i++) cache.set(`k${i}`, i);
    expect(cache.peek("k49")).toBe(49);
    expect(cache.peek("k0")).toBeUndefined();
  });
});

describe("MetadataCache refresh-ahead", () => {
  const TTL = 30_000;
  const AHEAD = 5_000;
  const down = () => new TaskerError("tasker_unavailable", "Tasker is down", { status: 503 });

  /** A loader whose loads the test finishes by hand, recording whether each ran in the background. */
  function manualLoader<T>() {
    const calls: { background: boolean; resolve: (v: T) => void; reject: (e: unknown) => void }[] = [];
    const load = (background: boolean) => new Promise<T>((resolve, reject) => calls.push({ background, resolve, reject }));
    return { calls, load };
  }
  const settle = async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };

  it("an entry read in the last refreshAheadMs of its TTL is served at once and reloaded in the background, once", async () => {
    const clock = new ManualClock();
    const cache = new MetadataCache(TTL, clock, { refreshAheadMs: AHEAD });
    const l = manualLoader<string>();
    const first = cache.get("k", l.load);
    l.calls[0]!.resolve("v1");
    expect(await first).toBe("v1");
    expect(l.calls[0]!.background).toBe(false);

    await clock.advance(TTL - AHEAD - 1);
    expect(await cache.get("k", l.load)).toBe("v1");
    expect(l.calls).toHaveLength(1); // not due yet

    await clock.advance(1);
    // Due: every reader gets the cached value without waiting; one background load runs.
    expect(cache.read("k", l.load)).toBe("v1");
    expect(await cache.get("k", l.load)).toBe("v1");
    expect(await cache.get("k", l.load)).toBe("v1");
    expect(l.calls).toHaveLength(2);
    expect(l.calls[1]!.background).toBe(true);
    l.calls[1]!.resolve("v2");
    await settle();

    // The reloaded value lives a full TTL from its load: past the first expiry, no wait.
    await clock.advance(AHEAD);
    expect(cache.read("k", l.load)).toBe("v2");
    expect(l.calls).toHaveLength(2);
  });

  it("never serves a value past its TTL while a reload is still running: the caller waits for it", async () => {
    const clock = new ManualClock();
    const cache = new MetadataCache(TTL, clock, { refreshAheadMs: AHEAD });
    const l = manualLoader<string>();
    const first = cache.get("k", l.load);
    l.calls[0]!.resolve("v1");
    await first;
    await clock.advance(TTL - 1);
    expect(await cache.get("k", l.load)).toBe("v1"); // starts the background reload
    await clock.advance(1);
    expect(cache.read("k", l.load)).toBeUndefined();
    let joined = false;
    const waiting = cache.get("k", l.load, { onHit: () => (joined = true) }).then((v) => v);
    expect(joined).toBe(true); // single flight: it joined the background load
    expect(l.calls).toHaveLength(2);
    l.calls[1]!.resolve("v2");
    expect(await waiting).toBe("v2");
  });

  it("a failed refresh-ahead keeps the fresh value and retries at most every retryAfterErrorMs", async () => {
    const clock = new ManualClock();
    const cache = new MetadataCache(TTL, clock, { refreshAheadMs: AHEAD, retryAfterErrorMs: 1_000 });
    const l = manualLoader<string>();
    const first = cache.get("k", l.load);
    l.calls[0]!.resolve("v1");
    await first;
    await clock.advance(TTL - AHEAD);
    expect(cache.read("k", l.load)).toBe("v1");
    l.calls[1]!.reject(down());
    await settle();
    expect(cache.read("k", l.load)).toBe("v1");
    await clock.advance(999);
    expect(cache.read("k", l.load)).toBe("v1");
    expect(l.calls).toHaveLength(2); // no retry within retryAfterErrorMs
    await clock.advance(1);
    expect(cache.read("k", l.load)).toBe("v1");
    expect(l.calls).toHaveLength(3);
    l.calls[2]!.resolve("v2");
    await settle();
    expect(cache.read("k", l.load)).toBe("v2");
  });

  it("keepOnError: while reloads fail, the old value is served for staleOnErrorMs past its expiry, then the error", async () => {
    const clock = new ManualClock();
    const cache = new MetadataCache(TTL, clock, { refreshAheadMs: AHEAD, staleOnErrorMs: 10_000, retryAfterErrorMs: 1_000 });
    let fail = false;
    let loads = 0;
    const load = async () => {
      loads++;
      if (fail) throw down();
      return `v${loads}`;
    };
    const keep = { keepOnError: true };
    expect(await cache.get("k", load, keep)).toBe("v1");
    fail = true;
    await clock.advance(TTL);
    // Expired: the caller's own reload fails, so it gets the old value instead of the error.
    expect(await cache.get("k", load, keep)).toBe("v1");
    expect(loads).toBe(2);
    // Within retryAfterErrorMs: served at once, no request.
    expect(await cache.get("k", load, keep)).toBe("v1");
    expect(loads).toBe(2);
    await clock.advance(1_000);
    expect(await cache.get("k", load, keep)).toBe("v1"); // served; a background retry runs
    await settle();
    expect(loads).toBe(3);
    await clock.advance(9_000);
    // staleOnErrorMs past expiry: no longer served; the reload's error is the answer.
    await expect(cache.get("k", load, keep)).rejects.toThrow("Tasker is down");
    fail = false;
    expect(await cache.get("k", load, keep)).toBe(`v${loads}`);
  });

  it("without keepOnError an expired value is never served: the reload's error is the answer at once", async () => {
    const clock = new ManualClock();
    const cache = new MetadataCache(TTL, clock, { refreshAheadMs: AHEAD });
    let fail = false;
    const load = async () => {
      if (fail) throw down();
      return "v";
    };
    expect(await cache.get("k", load)).toBe("v");
    fail = true;
    await clock.advance(TTL);
    await expect(cache.get("k", load)).rejects.toThrow("Tasker is down");
    await expect(cache.get("k", load)).rejects.toThrow("Tasker is down");
  });

  it("a non-retryable answer to a refresh-ahead drops the entry, so the next caller sees it", async () => {
    const clock = new ManualClock();
    const cache = new MetadataCache(TTL, clock, { refreshAheadMs: AHEAD });
    let answer: () => Promise<string> = async () => "v1";
    const load = () => answer();
    expect(await cache.get("k", load, { keepOnError: true })).toBe("v1");
    answer = () => Promise.reject(new TaskerError("forbidden", "no access", { status: 403 }));
    await clock.advance(TTL - AHEAD);
    expect(await cache.get("k", load, { keepOnError: true })).toBe("v1");
    await settle();
    expect(cache.peek("k")).toBeUndefined();
    await expect(cache.get("k", load, { keepOnError: true })).rejects.toThrow("no access");
  });
});
