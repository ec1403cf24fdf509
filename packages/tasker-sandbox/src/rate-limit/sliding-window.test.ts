import { describe, expect, it } from "vitest";
import { SlidingWindowLimiter } from "./sliding-window";

describe("SlidingWindowLimiter", () => {
  it("allows `limit` requests per 60 s, counting down Remaining, then refuses", () => {
    let now = 1_000_000;
    const limiter = new SlidingWindowLimiter(() => now);
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const d = limiter.check("k", 3);
      if (!d.allowed) throw new Error("refused too early");
      remaining.push(d.remaining);
      expect(d.resetUnixSeconds).toBe(Math.floor((now + 60_000) / 1000));
      now += 1000;
    }
    expect(remaining).toEqual([2, 1, 0]);
    // Oldest request was at 1_000_000; now = 1_003_000 → 57 s until it leaves the window.
    expect(limiter.check("k", 3)).toEqual({ allowed: false, retryAfterSeconds: 57 });
  });

  it("slides: a request frees up exactly when the oldest one is 60 s old", () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(() => now);
    limiter.check("k", 2);
    now = 30_000;
    limiter.check("k", 2);
    now = 59_999;
    expect(limiter.check("k", 2).allowed).toBe(false);
    now = 60_000;
    expect(limiter.check("k", 2).allowed).toBe(true);
    expect(limiter.check("k", 2).allowed).toBe(false);
  });

  it("keeps keys apart and does not count refused requests", () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(() => now);
    expect(limiter.check("a", 1).allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(limiter.check("a", 1).allowed).toBe(false);
    expect(limiter.check("b", 1).allowed).toBe(true);
    now = 60_000;
    expect(limiter.check("a", 1).allowed).toBe(true);
  });
});
