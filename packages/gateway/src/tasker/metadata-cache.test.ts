import { describe, expect, it } from "vitest";
import { ManualClock } from "./manual-clock.test-support.js";
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
