/**
 * Per-route fault rules, so tests can show what the gateway does when Tasker is slow, down
 * or answers garbage. A rule matches on method and a path regex and fires for the next
 * `times` requests, or always when `times` is omitted.
 */
export type FaultMode =
  /** Wait `latencyMs`, then answer normally. */
  | "latency"
  /** Answer `status` (default 500) with Plane's 500 body, or `body` when given. */
  | "error"
  /** Never answer (until `hangMs`, default 5 min, or the server closes). */
  | "hang"
  /** Destroy the TCP socket without an answer. */
  | "drop"
  /** 200 with a body that is not JSON. */
  | "malformed"
  /** 200 with valid JSON of an unexpected shape (`body`, default `{"unexpected":true}`). */
  | "shape"
  /**
   * Held until `releaseHeld()`, then answered normally. Tests count a client's rounds with
   * it: every request of one round is held at once (`whenHeld(n)`) before any is answered,
   * which proves they were in flight together, without timing anything.
   */
  | "hold";

export const FAULT_MODES: readonly FaultMode[] = ["latency", "error", "hang", "drop", "malformed", "shape", "hold"];

/** A request a "hold" rule is keeping unanswered. */
export interface HeldRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** Query string without `?` ("" when none). */
  query: string;
}

export interface FaultRule {
  mode: FaultMode;
  /** Upper-case HTTP method; omitted = any. */
  method?: string;
  /** Matched against the path (no query). A string is compiled as a RegExp. */
  path?: RegExp | string;
  /** Next N matching requests; omitted = always. */
  times?: number;
  latencyMs?: number;
  status?: number;
  body?: unknown;
  hangMs?: number;
}

export interface ActiveFault {
  id: number;
  mode: FaultMode;
  method: string | null;
  path: RegExp | null;
  remaining: number | null;
  latencyMs: number;
  status: number;
  body: unknown;
  hangMs: number;
  fired: number;
}

export class FaultInjector {
  private rules: ActiveFault[] = [];
  private nextId = 1;
  private readonly hanging = new Set<() => void>();
  private readonly holding: { request: HeldRequest; release: () => void }[] = [];
  private readonly heldWaiters: { n: number; resolve: (held: HeldRequest[]) => void }[] = [];

  /** Keeps `request` unanswered until releaseHeld() (or the client goes away, or close/reset). */
  hold(request: HeldRequest, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        request,
        release: () => {
          const i = this.holding.indexOf(entry);
          if (i >= 0) this.holding.splice(i, 1);
          signal?.removeEventListener("abort", entry.release);
          resolve();
        },
      };
      this.holding.push(entry);
      signal?.addEventListener("abort", entry.release, { once: true });
      this.notifyHeld();
    });
  }

  /** The requests held now, in arrival order. */
  held(): HeldRequest[] {
    return this.holding.map((h) => h.request);
  }

  /** Resolves with the held requests as soon as at least `n` are held at the same time. */
  whenHeld(n: number): Promise<HeldRequest[]> {
    if (this.holding.length >= n) return Promise.resolve(this.held());
    return new Promise((resolve) => this.heldWaiters.push({ n, resolve }));
  }

  /** Answers every request held now (later arrivals are held again); returns how many. */
  releaseHeld(): number {
    const now = [...this.holding];
    for (const h of now) h.release();
    return now.length;
  }

  private notifyHeld(): void {
    for (let i = this.heldWaiters.length - 1; i >= 0; i--) {
      const w = this.heldWaiters[i]!;
      if (this.holding.length >= w.n) {
        this.heldWaiters.splice(i, 1);
        w.resolve(this.held());
      }
    }
  }

  /** Waits until `ms` pass, the client goes away (`signal`), or `releaseHangs()` is called. */
  hang(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.hanging.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.hanging.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** Ends every hanging request now, and answers every held one (used on close and reset). */
  releaseHangs(): void {
    for (const done of [...this.hanging]) done();
    this.releaseHeld();
  }

  get hangingCount(): number {
    return this.hanging.size;
  }

  add(rule: FaultRule): ActiveFault {
    if (!FAULT_MODES.includes(rule.mode)) throw new Error(`unknown fault mode ${String(rule.mode)}`);
    const fault: ActiveFault = {
      id: this.nextId++,
      mode: rule.mode,
      method: rule.method ? rule.method.toUpperCase() : null,
      path: rule.path === undefined ? null : typeof rule.path === "string" ? new RegExp(rule.path) : rule.path,
      remaining: rule.times ?? null,
      latencyMs: rule.latencyMs ?? 0,
      status: rule.status ?? 500,
      body: rule.body,
      hangMs: rule.hangMs ?? 300_000,
      fired: 0,
    };
    this.rules.push(fault);
    return fault;
  }

  /** Finds the first live rule for a request and consumes one use of it. */
  take(method: string, path: string): ActiveFault | undefined {
    if (this.rules.length === 0) return undefined;
    for (const rule of this.rules) {
      if (rule.remaining !== null && rule.remaining <= 0) continue;
      if (rule.method !== null && rule.method !== method) continue;
      if (rule.path !== null && !rule.path.test(path)) continue;
      if (rule.remaining !== null) rule.remaining--;
      rule.fired++;
      return rule;
    }
    return undefined;
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  list(): ActiveFault[] {
    return [...this.rules];
  }

  clear(): void {
    this.rules = [];
    this.releaseHangs();
  }
}
