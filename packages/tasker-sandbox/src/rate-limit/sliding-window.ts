/**
 * DRF SimpleRateThrottle as Plane configures it (PLANE_API §1): a per-key history of request
 * times over a sliding 60 s window. A rejected request is not added to the history.
 */
export const WINDOW_MS = 60_000;

export type RateDecision =
  | { allowed: true; remaining: number; resetUnixSeconds: number }
  | { allowed: false; retryAfterSeconds: number };

/** Request times of one key, oldest first; a head index keeps expiry O(1) amortised. */
class TimeQueue {
  private items: number[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  oldest(): number | undefined {
    return this.items[this.head];
  }
  push(t: number): void {
    this.items.push(t);
  }
  dropOlderThan(cutoff: number): void {
    while (this.head < this.items.length && (this.items[this.head] as number) <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

export class SlidingWindowLimiter {
  private readonly history = new Map<string, TimeQueue>();

  constructor(private readonly now: () => number = Date.now) {}

  /** `key` is the raw API key string, as in Plane; `limit` requests per 60 s. */
  check(key: string, limit: number): RateDecision {
    const now = this.now();
    let times = this.history.get(key);
    if (!times) {
      times = new TimeQueue();
      this.history.set(key, times);
    }
    times.dropOlderThan(now - WINDOW_MS);
    if (times.length >= limit) {
      // DRF wait(): (window − age of the oldest request) / available requests (= 1 here), ceil'd.
      const oldest = times.oldest() ?? now;
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
