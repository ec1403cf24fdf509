import type { TokenAuthRow } from "../tokens/token-store";

/**
 * Agent-auth rows kept in memory, keyed by token hash, so a tool call need not spend a
 * database round trip on the token lookup.
 *
 * An entry is never trusted on its own. It carries the `auth_epoch` it was read with
 * (0102_auth_epoch.sql: a counter that a trigger moves in the same transaction as any
 * change to a token, agent, owner or grant). Every tool call reads the current epoch in
 * the statement that counts its rate limits — a round trip it makes anyway — and when the
 * epoch moved, the call is authenticated again from the database before anything else
 * happens (DESIGN §9 rule 5 stays "the very next call", on every replica). Denials are
 * never decided from the cache: a cached row that would deny is read again first.
 * Unknown tokens are never cached, so a new token works at once and a flood of garbage
 * cannot fill the map.
 */
export interface CachedAuth {
  row: TokenAuthRow;
  /** auth_epoch read in the same statement as `row` (a bigint, as postgres.js returns it). */
  epoch: string;
  /** Date.now() of the last last_used_at write by this process (throttles touchToken). */
  touchedAt: number;
  storedAt: number;
}

export interface AuthCacheOptions {
  /** Entries kept at most; the oldest go first (default 10 000). */
  maxEntries?: number;
  /** An entry older than this is read again even if the epoch did not move (default 60 s). */
  ttlMs?: number;
}

export class AuthCache {
  private readonly entries = new Map<string, CachedAuth>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;

  constructor(options: AuthCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? 60_000;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now = Date.now()): CachedAuth | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.storedAt >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, row: TokenAuthRow, epoch: string, touchedAt: number, now = Date.now()): CachedAuth {
    const entry: CachedAuth = { row, epoch, touchedAt, storedAt: now };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
