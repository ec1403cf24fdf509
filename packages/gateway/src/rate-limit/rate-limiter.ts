import type { Sql } from "postgres";

/**
 * Fixed-window counters in Postgres, so a limit holds across every replica: ONE statement
 * per decision (INSERT … ON CONFLICT DO UPDATE … RETURNING) on an UNLOGGED table, with the
 * database clock deciding the window. Expired windows are purged now and then.
 */
export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a slot frees up (for `Retry-After` and `RateLimit` headers). */
  reset_s: number;
}

export interface RateLimiter {
  /** Counts one hit on `bucketKey` and says whether it fits `limitPerWindow` per `windowS` seconds. */
  consume(bucketKey: string, limitPerWindow: number, windowS: number): Promise<RateLimitDecision>;
  /**
   * Counts one hit on each bucket in ONE statement and reads the auth epoch in the same
   * round trip: a tool call's only synchronous database statement before Tasker is called
   * (auth/auth-cache.ts says why the epoch rides along). Bucket keys must differ.
   */
  consumeAll(buckets: readonly { key: string; limit: number }[], windowS: number): Promise<{ decisions: RateLimitDecision[]; authEpoch: string }>;
  /** Deletes windows that ended; returns how many rows went. */
  purgeExpired(): Promise<number>;
}

/** Standard `RateLimit-*`-style headers (IETF draft) plus Retry-After on refusal. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(decision.reset_s),
    RateLimit: `limit=${decision.limit}, remaining=${decision.remaining}, reset=${decision.reset_s}`,
  };
  if (!decision.allowed) headers["Retry-After"] = String(Math.max(1, decision.reset_s));
  return headers;
}

export function createRateLimiter(sql: Sql, options: { purgeEvery?: number } = {}): RateLimiter {
  const purgeEvery = options.purgeEvery ?? 1000;
  let calls = 0;
  const limiter: RateLimiter = {
    async consume(bucketKey, limitPerWindow, windowS) {
      if (!Number.isInteger(windowS) || windowS < 1) throw new RangeError("windowS must be a positive integer");
      const [row] = await sql<{ count: number; reset_s: number }[]>`
        INSERT INTO rate_limit_counters AS r (bucket, window_start, count, expires_at)
        SELECT ${bucketKey}, w.start, 1, w.start + make_interval(secs => ${windowS})
        FROM (SELECT to_timestamp(floor(extract(epoch FROM now()) / ${windowS}) * ${windowS}) AS start) w
        ON CONFLICT (bucket, window_start) DO UPDATE SET count = r.count + 1
        RETURNING r.count, ceil(extract(epoch FROM r.expires_at - now()))::int AS reset_s`;
      if (++calls % purgeEvery === 0) void limiter.purgeExpired().catch(() => {});
      const count = row!.count;
      return {
        allowed: count <= limitPerWindow,
        limit: limitPerWindow,
        remaining: Math.max(0, limitPerWindow - count),
        reset_s: Math.max(1, row!.reset_s),
      };
    },
    async consumeAll(buckets, windowS) {
      if (!Number.isInteger(windowS) || windowS < 1) throw new RangeError("windowS must be a positive integer");
      if (buckets.length === 0 || new Set(buckets.map((b) => b.key)).size !== buckets.length) throw new RangeError("buckets must be distinct and non-empty");
      const keys = buckets.map((b) => b.key);
      const rows = await sql<{ bucket: string; count: number; reset_s: number; auth_epoch: string }[]>`
        WITH w AS (SELECT to_timestamp(floor(extract(epoch FROM now()) / ${windowS}) * ${windowS}) AS start),
        hit AS (
          INSERT INTO rate_limit_counters AS r (bucket, window_start, count, expires_at)
          SELECT b.bucket, w.start, 1, w.start + make_interval(secs => ${windowS})
          FROM w, unnest(${keys}::text[]) AS b(bucket)
          ON CONFLICT (bucket, window_start) DO UPDATE SET count = r.count + 1
          RETURNING r.bucket, r.count, ceil(extract(epoch FROM r.expires_at - now()))::int AS reset_s)
        SELECT hit.bucket, hit.count, hit.reset_s, (SELECT epoch FROM auth_epoch)::text AS auth_epoch FROM hit`;
      if ((calls += buckets.length) % purgeEvery < buckets.length) void limiter.purgeExpired().catch(() => {});
      const byKey = new Map(rows.map((r) => [r.bucket, r]));
      const decisions = buckets.map((b) => {
        const row = byKey.get(b.key)!;
        return { allowed: row.count <= b.limit, limit: b.limit, remaining: Math.max(0, b.limit - row.count), reset_s: Math.max(1, row.reset_s) };
      });
      return { decisions, authEpoch: rows[0]!.auth_epoch };
    },
    async purgeExpired() {
      const rows = await sql`DELETE FROM rate_limit_counters WHERE expires_at < now() - interval '1 minute' RETURNING 1`;
      return rows.count;
    },
  };
  return limiter;
}
