import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "postgres";
import { createIsolatedDatabase, type IsolatedDatabase } from "../testing/isolated-database";
import { connect } from "../db/database";
import { migrate } from "../db/migrate";
import { createRateLimiter, rateLimitHeaders } from "./rate-limiter";

let db: IsolatedDatabase;
let a: Sql;
let b: Sql;
beforeAll(async () => {
  db = await createIsolatedDatabase();
  a = connect(db.url, { max: 4 });
  b = connect(db.url, { max: 4 });
  await migrate(a);
});
afterAll(async () => {
  await a?.end();
  await b?.end();
  await db?.close();
});

describe("Postgres rate limiter", () => {
  it("allows up to the limit in a window, then refuses with the seconds until the window ends", async () => {
    const limiter = createRateLimiter(a);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume("t:one", 3, 3600));
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([[true, 2], [true, 1], [true, 0], [false, 0]]);
    expect(decisions[3]!.limit).toBe(3);
    expect(decisions[3]!.reset_s).toBeGreaterThanOrEqual(1);
    expect(decisions[3]!.reset_s).toBeLessThanOrEqual(3600);
    expect(rateLimitHeaders(decisions[3]!)).toMatchObject({ "Retry-After": String(decisions[3]!.reset_s), "RateLimit-Limit": "3", "RateLimit-Remaining": "0" });
    expect(rateLimitHeaders(decisions[0]!)["Retry-After"]).toBeUndefined();
  });

  it("keeps buckets apart", async () => {
    const limiter = createRateLimiter(a);
    expect((await limiter.consume("t:x", 1, 3600)).allowed).toBe(true);
    expect((await limiter.consume("t:y", 1, 3600)).allowed).toBe(true);
    expect((await limiter.consume("t:x", 1, 3600)).allowed).toBe(false);
  });

  it("holds across replicas: two pools hammering one bucket admit exactly the limit", async () => {
    const one = createRateLimiter(a);
    const two = createRateLimiter(b);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).consume("t:shared", 25, 3600)));
    expect(results.filter((r) => r.allowed)).toHaveLength(25);
  });

  it("purges windows that ended", async () => {
    const limiter = createRateLimiter(a);
    await a`INSERT INTO rate_limit_counters (bucket, window_start, count, expires_at) VALUES ('t:old', now() - interval '2 hours', 5, now() - interval '1 hour')`;
    expect(await limiter.purgeExpired()).toBeGreaterThanOrEqual(1);
    expect((await a`SELECT 1 FROM rate_limit_counters WHERE bucket = 't:old'`).count).toBe(0);
  });

  it("refuses a nonsensical window", async () => {
    await expect(createRateLimiter(a).consume("t:bad", 1, 0)).rejects.toThrow(RangeError);
  });
});

describe("consumeAll: every bucket of a call and the auth epoch in one statement", () => {
  it("counts each bucket against its own limit and returns the current auth epoch", async () => {
    const limiter = createRateLimiter(a);
    const buckets = [
      { key: "all:token", limit: 2 },
      { key: "all:owner", limit: 5 },
    ];
    const first = await limiter.consumeAll(buckets, 3600);
    const second = await limiter.consumeAll(buckets, 3600);
    const third = await limiter.consumeAll(buckets, 3600);
    expect([first, second, third].map((r) => r.decisions.map((d) => [d.allowed, d.remaining]))).toEqual([
      [[true, 1], [true, 4]],
      [[true, 0], [true, 3]],
      [[false, 0], [true, 2]],
    ]);
    const [row] = await b<{ epoch: string }[]>`SELECT epoch::text FROM auth_epoch`;
    expect(third.authEpoch).toBe(row!.epoch);
    await b`UPDATE auth_epoch SET epoch = epoch + 1`;
    expect((await limiter.consumeAll([{ key: "all:other", limit: 1 }], 3600)).authEpoch).toBe(String(BigInt(row!.epoch) + 1n));
  });

  it("refuses duplicate or empty bucket lists", async () => {
    const limiter = createRateLimiter(a);
    await expect(limiter.consumeAll([], 60)).rejects.toThrow(RangeError);
    await expect(limiter.consumeAll([{ key: "x", limit: 1 }, { key: "x", limit: 2 }], 60)).rejects.toThrow(RangeError);
  });
});
