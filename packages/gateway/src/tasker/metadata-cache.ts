/**
 * A short-lived cache for project metadata (projects, states, labels, members): metadata
 * changes rarely and every tool call needs some of it, while the upstream budget is only
 * 60 requests a minute. Concurrent identical fetches share one request (single flight).
 * Failures are not cached.
 */

import type { Clock } from "./request-budget.js";

interface Entry {
  value: unknown;
  expiresAt: number;
}

export class MetadataCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Pick<Clock, "now">,
    private readonly maxEntries = 2000,
  ) {}

  /** The cached value if fresh, else undefined. */
  peek<T>(key: string): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value as T;
  }

  /** Cached value, or the result of `load` (shared with concurrent callers of the same key). */
  async get<T>(key: string, load: () => Promise<T>, onHit?: () => void): Promise<T> {
    const hit = this.peek<T>(key);
    if (hit !== undefined) {
      onHit?.();
      return hit;
    }
    const running = this.inflight.get(key);
    if (running) {
      onHit?.();
      return running as Promise<T>;
    }
    const p = (async () => {
      try {
        const value = await load();
        if (this.ttlMs > 0) this.set(key, value);
        return value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  set(key: string, value: unknown): void {
    if (this.entries.size >= this.maxEntries) this.evict();
    this.entries.set(key, { value, expiresAt: this.clock.now() + this.ttlMs });
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private evict(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    // Still full: drop the oldest insertions (Map keeps insertion order).
    const excess = this.entries.size - Math.floor(this.maxEntries * 0.9);
    if (excess > 0) {
      let n = 0;
      for (const k of this.entries.keys()) {
        if (n++ >= excess) break;
        this.entries.delete(k);
      }
    }
  }
}
