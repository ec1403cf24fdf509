import type { Sql } from "postgres";
import type { RateLimitDecision } from "../pipeline/types";

/**
 * Fixed-window counters in Postgres, so a limit holds across every replica: ONE statement
 * per decision (INSERT … ON CONFLICT DO UPDATE … RETURNING) on an UNLOGGED table, with the
 * database clock deciding the window. Expired windows are purged now and then.
 */
export interface RateLimiter {
  /** Counts one hit on `bucketKey` and says whether it fits `limitPerWindow` per `windowS` seconds. */
  consume(bucketKey: string, limitPerWindow: number, windowS: number): Promise<RateLimitDecision>;
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
    async purgeExpired() {
      const rows = await sql`DELETE FROM rate_limit_counters WHERE expires_at < now() - interval '1 minute' RETURNING 1`;
      return rows.count;
    },
  };
  return limiter;
}
