/**
 * DRF renders datetimes as `isoformat()` with `Z` for UTC and microseconds (§3). JS has
 * milliseconds only, so the last three digits are always zero.
 */
export function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** A clock that never returns the same millisecond twice, so `-created_at` orders are total. */
export class MonotonicClock {
  private last = 0;
  constructor(private readonly now: () => number = Date.now) {}
  next(): number {
    const t = Math.max(this.now(), this.last + 1);
    this.last = t;
    return t;
  }
  reset(): void {
    this.last = 0;
  }
}
