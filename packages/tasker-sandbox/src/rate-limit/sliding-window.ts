/**
 * DRF SimpleRateThrottle as Plane configures it (PLANE_API §1): a per-key history of request
 * times over a sliding 60 s window. A rejected request is not added to the history.
 */
export const WINDOW_MS = 60_000;

export type RateDecision =
  | { allowed: true; remaining: number; resetUnixSeconds: number }
  | { allowed: false; retryAfterSeconds: number };

export class SlidingWindowLimiter {
  private readonly history = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** `key` is the raw API key string, as in Plane; `limit` requests per 60 s. */
  check(key: string, limit: number): RateDecision {
    const now = this.now();
    let times = this.history.get(key);
    if (!times) {
      times = [];
      this.history.set(key, times);
    }
    let drop = 0;
    while (drop < times.length && (times[drop] as number) <= now - WINDOW_MS) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length >= limit) {
      // DRF wait(): (window − age of the oldest request) / available requests (= 1 here), ceil'd.
      const oldest = times[0] ?? now;
      const remainingMs = WINDOW_MS - (now - oldest);
      const available = limit - times.length + 1;
      const wait = available > 0 ? remainingMs / available : remainingMs;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)) };
    }
    times.push(now);
    return {
      allowed: true,
      remaining: Math.max(0, limit - times.length),
      // §1: now + 60, not the true end of the window.
      resetUnixSeconds: Math.floor((now + WINDOW_MS) / 1000),
    };
  }

  reset(): void {
    this.history.clear();
  }
}
