/**
 * The shared upstream budget (DESIGN §8): Plane allows a key N requests per sliding 60 s
 * window (PLANE_API §1). Every HTTP attempt the adapter makes takes one slot. When slots
 * run out, callers queue per agent and are served round-robin, so one busy agent cannot
 * starve the others. A caller that would wait longer than `maxWaitMs` is refused at once
 * with tasker_unavailable and a retry hint, instead of hanging. A Tasker 429 pauses the
 * whole budget until its Retry-After.
 */

import { TaskerError } from "./errors.js";

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface RequestBudgetOptions {
  perWindow: number;
  windowMs?: number;
  /** Longest a caller may queue before being refused. */
  maxWaitMs: number;
  clock?: Clock;
}

interface Waiter {
  agentId: string;
  resolve: () => void;
  reject: (e: TaskerError) => void;
  deadline: unknown;
}

export interface BudgetSnapshot {
  used: number;
  limit: number;
  queued: number;
  queued_agents: number;
  paused_until: number | null;
}

export class RequestBudget {
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly maxWaitMs: number;
  private readonly clock: Clock;
  /**
   * Grant times, oldest first; entries before `head` have aged out. A head index instead of
   * shift/splice keeps pruning amortised O(1) even with a huge limit (benchmarks).
   */
  private grants: number[] = [];
  private head = 0;
  /** Waiters per agent, FIFO. */
  private readonly queues = new Map<string, Waiter[]>();
  /** Agents with waiters, in round-robin service order. */
  private readonly ring: string[] = [];
  private pausedUntil = 0;
  private timer: unknown = null;
  private timerAt = 0;
  private closed = false;

  constructor(options: RequestBudgetOptions) {
    if (!Number.isSafeInteger(options.perWindow) || options.perWindow < 1) throw new TypeError("rate limit must be a positive integer");
    this.perWindow = options.perWindow;
    this.windowMs = options.windowMs ?? 60_000;
    this.maxWaitMs = options.maxWaitMs;
    this.clock = options.clock ?? systemClock;
  }

  /** Takes one slot for `agentId`, waiting fairly if the budget is spent. */
  acquire(agentId: string): Promise<void> {
    if (this.closed) return Promise.reject(this.refusal(0, "closed"));
    const now = this.clock.now();
    this.prune(now);
    if (this.ring.length === 0 && now >= this.pausedUntil && this.used() < this.perWindow) {
      this.grants.push(now);
      return Promise.resolve();
    }
    const wait = this.estimateWait(agentId, now);
    if (wait > this.maxWaitMs) return Promise.reject(this.refusal(wait, "budget"));

    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { agentId, resolve, reject, deadline: null };
      waiter.deadline = this.clock.setTimer(() => {
        this.remove(waiter);
        reject(this.refusal(this.estimateWait(agentId, this.clock.now()), "budget"));
      }, this.maxWaitMs);
      let q = this.queues.get(agentId);
      if (!q) {
        q = [];
        this.queues.set(agentId, q);
        this.ring.push(agentId);
      }
      q.push(waiter);
      this.pump();
    });
  }

  /** Tasker said 429: nobody gets a slot before `untilMs`. */
  pauseUntil(untilMs: number): void {
    if (untilMs > this.pausedUntil) this.pausedUntil = untilMs;
    this.schedule();
  }

  snapshot(): BudgetSnapshot {
    const now = this.clock.now();
    this.prune(now);
    let queued = 0;
    for (const q of this.queues.values()) queued += q.length;
    return {
      used: this.used(),
      limit: this.perWindow,
      queued,
      queued_agents: this.ring.length,
      paused_until: this.pausedUntil > now ? this.pausedUntil : null,
    };
  }

  /** Rejects every waiter; later acquires fail. */
  close(): void {
    this.closed = true;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
    for (const q of this.queues.values()) {
      for (const w of q) {
        this.clock.clearTimer(w.deadline);
        w.reject(this.refusal(0, "closed"));
      }
    }
    this.queues.clear();
    this.ring.length = 0;
  }

  private used(): number {
    return this.grants.length - this.head;
  }

  /** The i-th oldest grant still in the window. */
  private grantAt(i: number): number {
    return this.grants[this.head + i] as number;
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    while (this.head < this.grants.length && (this.grants[this.head] as number) <= cutoff) this.head++;
    if (this.head > 1024 && this.head * 2 > this.grants.length) {
      this.grants = this.grants.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Upper bound of how long a new waiter of `agentId` would queue: its round-robin position
   * (its own backlog plus at most as many of every other agent's), mapped onto the times at
   * which window slots free up, and never before a 429 pause ends.
   */
  private estimateWait(agentId: string, now: number): number {
    const own = (this.queues.get(agentId)?.length ?? 0) + 1;
    let position = own;
    for (const [other, q] of this.queues) if (other !== agentId) position += Math.min(q.length, own);
    // Slot k (0-based) of the future: the free ones now, then each current grant's expiry,
    // and every later slot one window after the slot perWindow places before it.
    const free = this.perWindow - this.used();
    const k = position - 1;
    const base = k % this.perWindow;
    const cycles = Math.floor(k / this.perWindow);
    const baseAt = base < free ? now : this.grantAt(base - free) + this.windowMs;
    const slotAt = baseAt + cycles * this.windowMs;
    return Math.max(slotAt, this.pausedUntil) - now;
  }

  private pump(): void {
    const now = this.clock.now();
    this.prune(now);
    while (this.ring.length > 0 && now >= this.pausedUntil && this.used() < this.perWindow) {
      const agentId = this.ring.shift() as string;
      const q = this.queues.get(agentId) as Waiter[];
      const w = q.shift() as Waiter;
      if (q.length > 0) this.ring.push(agentId);
      else this.queues.delete(agentId);
      this.clock.clearTimer(w.deadline);
      this.grants.push(now);
      w.resolve();
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.ring.length === 0) return;
    const now = this.clock.now();
    const nextFree = this.used() < this.perWindow ? now : this.grantAt(0) + this.windowMs;
    const at = Math.max(nextFree, this.pausedUntil, now);
    if (this.timer !== null && this.timerAt <= at) return;
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.pump();
    }, Math.max(0, at - now + 1));
  }

  private remove(waiter: Waiter): void {
    const q = this.queues.get(waiter.agentId);
    if (!q) return;
    const i = q.indexOf(waiter);
    if (i >= 0) q.splice(i, 1);
    if (q.length === 0) {
      this.queues.delete(waiter.agentId);
      const r = this.ring.indexOf(waiter.agentId);
      if (r >= 0) this.ring.splice(r, 1);
    }
  }

  private refusal(waitMs: number, why: "budget" | "closed"): TaskerError {
    if (why === "closed") {
      return new TaskerError("tasker_unavailable", "The Tasker adapter is shut down.", { status: 0, retryable: true });
    }
    const retryAfterS = Number.isFinite(waitMs) ? Math.max(1, Math.ceil(waitMs / 1000)) : Math.ceil(this.windowMs / 1000);
    return new TaskerError(
      "tasker_unavailable",
      `The gateway's Tasker request budget (${this.perWindow}/min, shared fairly between agents) is exhausted; retry in about ${retryAfterS} s.`,
      { status: 0, retryable: true, details: { reason: "upstream_budget_exhausted", retry_after_s: retryAfterS } },
    );
  }
}
