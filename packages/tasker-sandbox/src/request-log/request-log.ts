/**
 * Every API request the sandbox saw, keyless: tests use it to prove "zero Tasker calls" or
 * "zero DELETE". The key value is never stored, only the user id and the fixture key label.
 */
export interface RequestLogEntry {
  seq: number;
  method: string;
  path: string;
  query: string;
  /** User the key belongs to, or null when there was no valid key. */
  userId: string | null;
  /** Fixture label of the key ("service", "demoOwner", …), "unknown" for an invalid key, null without one. */
  keyLabel: string | null;
  status: number;
  /** Set when a fault rule answered instead of the API. */
  fault: string | null;
  startedAt: string;
  /** Arrival on the sandbox's monotonic clock (`performance.now()`, sub-ms); it finished at `startedMs + durationMs`. */
  startedMs?: number;
  durationMs: number;
}

export interface RequestLogFilter {
  method?: string;
  pathIncludes?: string;
  pathMatches?: RegExp;
  keyLabel?: string;
  userId?: string;
  status?: number;
}

/** Oldest entries are trimmed past this size (benchmarks send hundreds of thousands). */
const DEFAULT_CAPACITY = 100_000;

export class RequestLog {
  private items: RequestLogEntry[] = [];
  private nextSeq = 1;
  private dropped = 0;
  private readonly listeners: ((entry: RequestLogEntry) => void)[] = [];

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  /** Called with every entry as it is recorded; survives clear() (e.g. the DELETE ledger). */
  onRecord(listener: (entry: RequestLogEntry) => void): void {
    this.listeners.push(listener);
  }

  /**
   * The next entry recorded that satisfies `predicate`. An entry is recorded once its answer
   * is complete, so tests wait on this for a slow request to be finished by the sandbox.
   */
  next(predicate: (entry: RequestLogEntry) => boolean): Promise<RequestLogEntry> {
    return new Promise((resolve) => {
      let done = false;
      const listener = (entry: RequestLogEntry) => {
        if (done || !predicate(entry)) return;
        done = true;
        // Removed after record()'s loop over the listeners has finished.
        queueMicrotask(() => this.listeners.splice(this.listeners.indexOf(listener), 1));
        resolve(entry);
      };
      this.listeners.push(listener);
    });
  }

  record(entry: Omit<RequestLogEntry, "seq">): RequestLogEntry {
    const full = { seq: this.nextSeq++, ...entry };
    this.items.push(full);
    for (const listener of this.listeners) listener(full);
    // Trim in batches so a full log stays O(1) amortised per request.
    if (this.items.length > this.capacity + Math.max(1, this.capacity >> 3)) {
      this.dropped += this.items.length - this.capacity;
      this.items = this.items.slice(this.items.length - this.capacity);
    }
    return full;
  }

  entries(filter: RequestLogFilter = {}): RequestLogEntry[] {
    return this.items.filter((e) => matches(e, filter));
  }

  count(filter: RequestLogFilter = {}): number {
    let n = 0;
    for (const e of this.items) if (matches(e, filter)) n++;
    return n;
  }

  /** Entries recorded after the given sequence number (for "since this point" assertions). */
  since(seq: number): RequestLogEntry[] {
    return this.items.filter((e) => e.seq > seq);
  }

  /** Sequence number of the last entry, 0 when empty. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Entries trimmed because the log was full. */
  get droppedCount(): number {
    return this.dropped;
  }

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items = [];
    this.dropped = 0;
  }
}

function matches(e: RequestLogEntry, f: RequestLogFilter): boolean {
  if (f.method !== undefined && e.method !== f.method.toUpperCase()) return false;
  if (f.pathIncludes !== undefined && !e.path.includes(f.pathIncludes)) return false;
  if (f.pathMatches !== undefined && !f.pathMatches.test(e.path)) return false;
  if (f.keyLabel !== undefined && e.keyLabel !== f.keyLabel) return false;
  if (f.userId !== undefined && e.userId !== f.userId) return false;
  if (f.status !== undefined && e.status !== f.status) return false;
  return true;
}
