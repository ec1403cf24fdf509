/**
 * A short-lived cache for project metadata (projects, states, labels, members): metadata
 * changes rarely and every tool call needs some of it, while the upstream budget is only
 * 60 requests a minute. Concurrent identical fetches share one request (single flight).
 *
 * Refresh-ahead: an entry read during the last `refreshAheadMs` of its TTL is served as it
 * is and reloaded in the background, so a project in use never makes a caller wait for an
 * expired entry. A value is never served older than the TTL because of this: the
 * background load only ever replaces it with a fresher one.
 *
 * Errors: a failed load is not cached. When a reload fails with a retryable error (Tasker
 * down, throttled, timed out) and the entry allows it (`keepOnError`), the old value is
 * served for at most `staleOnErrorMs` past its expiry, and reloads are retried in the
 * background at most every `retryAfterErrorMs`. The owner's-right member lists do not
 * allow it: DESIGN §9 rule 10 bounds their age by the TTL, so they fail closed.
 * A non-retryable answer to a background reload (403, 404, a bad shape) drops the entry,
 * so the next caller loads it again in the foreground and sees the error itself.
 */

import { isTaskerError } from "./errors.js";
import type { Clock } from "./request-budget.js";

/** `background` is true when nobody waits for this load (a refresh-ahead or retry). */
export type CacheLoader<T> = (background: boolean) => Promise<T>;

export interface CacheGetOptions {
  /** Called when the value came without a load of this caller's own (cached or joined). */
  onHit?: () => void;
  /** Serve the old value for a bounded time when a reload fails with a retryable error. */
  keepOnError?: boolean;
}

export interface MetadataCacheOptions {
  /** Reload in the background when an entry is read this close to its expiry. Default ttl/4. */
  refreshAheadMs?: number;
  /** How long past its expiry a `keepOnError` value may be served while reloads fail. Default ttl. */
  staleOnErrorMs?: number;
  /** Least time between reload attempts of a value kept after an error. Default 1 000. */
  retryAfterErrorMs?: number;
  maxEntries?: number;
}

interface Entry {
  value: unknown;
  expiresAt: number;
  /** Set while the value is served past a failed reload: the next reload not before this. */
  retryAt: number | null;
}

export class MetadataCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly refreshAheadMs: number;
  private readonly staleOnErrorMs: number;
  private readonly retryAfterErrorMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Pick<Clock, "now">,
    options: MetadataCacheOptions | number = {},
  ) {
    const o = typeof options === "number" ? { maxEntries: options } : options;
    this.refreshAheadMs = Math.min(ttlMs, o.refreshAheadMs ?? Math.floor(ttlMs / 4));
    this.staleOnErrorMs = o.staleOnErrorMs ?? ttlMs;
    this.retryAfterErrorMs = o.retryAfterErrorMs ?? 1_000;
    this.maxEntries = o.maxEntries ?? 2000;
  }

  /** The cached value if fresh, else undefined. Never loads. */
  peek<T>(key: string): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= this.clock.now()) return undefined;
    return e.value as T;
  }

  /**
   * The value if it can be served now without waiting (fresh, or kept after an error),
   * starting a background reload when one is due; undefined when the caller must `get`.
   */
  read<T>(key: string, load: CacheLoader<T>, options: CacheGetOptions = {}): T | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const now = this.clock.now();
    if (now < e.expiresAt) {
      if (e.retryAt === null ? now >= e.expiresAt - this.refreshAheadMs : now >= e.retryAt) this.reloadInBackground(key, load, options);
      return e.value as T;
    }
    if (options.keepOnError && e.retryAt !== null && now < e.expiresAt + this.staleOnErrorMs) {
      if (now >= e.retryAt) this.reloadInBackground(key, load, options);
      return e.value as T;
    }
    return undefined;
  }

  /** Cached value, or the result of `load` (shared with concurrent callers of the same key). */
  async get<T>(key: string, load: CacheLoader<T>, options: CacheGetOptions | (() => void) = {}): Promise<T> {
    const o = typeof options === "function" ? { onHit: options } : options;
    const hit = this.read(key, load, o);
    if (hit !== undefined) {
      o.onHit?.();
      return hit;
    }
    const running = this.inflight.get(key) as Promise<T> | undefined;
    if (running) {
      o.onHit?.();
      return running.catch((error: unknown) => this.keptAfter(key, error, o));
    }
    return this.load(key, load, false).catch((error: unknown) => this.keptAfter(key, error, o));
  }

  set(key: string, value: unknown): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) this.evict();
    this.entries.set(key, { value, expiresAt: this.clock.now() + this.ttlMs, retryAt: null });
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** One load per key at a time; its value is stored (TTL > 0) when it succeeds. */
  private load<T>(key: string, load: CacheLoader<T>, background: boolean): Promise<T> {
    const p = (async () => {
      try {
        const value = await load(background);
        if (this.ttlMs > 0) this.set(key, value);
        return value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  private reloadInBackground<T>(key: string, load: CacheLoader<T>, options: CacheGetOptions): void {
    if (this.inflight.has(key)) return;
    this.load(key, load, true).catch((error: unknown) => {
      try {
        this.keptAfter(key, error, options);
      } catch {
        // Dropped (or kept) above; nobody waits for a background reload's error.
      }
    });
  }

  /**
   * After a failed load: the old value when it may be kept (marked for a later retry),
   * otherwise the error — and an entry that may not be kept is dropped.
   */
  private keptAfter<T>(key: string, error: unknown, options: CacheGetOptions): T {
    const e = this.entries.get(key);
    if (!e) throw error;
    const now = this.clock.now();
    const retryable = isTaskerError(error) && error.retryable;
    if (retryable && now < e.expiresAt) {
      // Still fresh (a refresh-ahead failed): keep serving it, retry a little later.
      e.retryAt = now + this.retryAfterErrorMs;
      return e.value as T;
    }
    if (retryable && options.keepOnError && now < e.expiresAt + this.staleOnErrorMs) {
      e.retryAt = now + this.retryAfterErrorMs;
      return e.value as T;
    }
    this.entries.delete(key);
    throw error;
  }

  private evict(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (e.expiresAt + this.staleOnErrorMs <= now) this.entries.delete(k);
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
