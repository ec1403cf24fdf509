import type { AuditEventInput } from "../audit/audit-event";

/**
 * Audit of refused agent requests, aggregated per token: a revoked token in a retry loop
 * must not write one row per call (600 calls were 600 rows). Per (token, reason, error
 * code) and window:
 * - the first refusal is written at once, as before (the owner sees it immediately);
 * - the later ones are only counted, and one `agent.auth` event with `count` (how many
 *   more) and the window's bounds is written when the window has ended — by the next
 *   refusal after it, or by `flush`, which the gateway runs on a timer.
 * Counting is per process: N replicas write at most N summary events per window. A count
 * not yet flushed when the process dies is lost; the first refusal of a window never is.
 */
export interface DenialAudit {
  record(event: DenialEvent): Promise<void>;
  /** Writes the summaries of windows that ended before `now`; all of them with `all`. */
  flush(options?: { all?: boolean }): Promise<void>;
}

/** An `agent.auth` denial of a known token. */
export type DenialEvent = AuditEventInput & { token_id: string; error_code: string; details: { reason: string } & Record<string, unknown> };

interface Window {
  first: DenialEvent;
  startedAt: number;
  more: number;
}

export interface DenialAuditOptions {
  write(event: AuditEventInput): Promise<unknown>;
  windowS?: number;
  /** Open windows kept at most; past it the oldest is flushed early (bounded memory). */
  maxWindows?: number;
  now?: () => number;
}

export function createDenialAudit(options: DenialAuditOptions): DenialAudit {
  const windowMs = (options.windowS ?? 60) * 1000;
  const maxWindows = options.maxWindows ?? 10_000;
  const now = options.now ?? Date.now;
  const open = new Map<string, Window>();

  const write = async (event: AuditEventInput) => {
    try {
      await options.write(event);
    } catch {
      // the audit writer has raised the alarm (metric + error log); the refusal stands
    }
  };
  const summaryOf = (w: Window, endedAt: number): AuditEventInput => ({
    ...w.first,
    details: {
      reason: w.first.details.reason,
      aggregated: true,
      count: w.more,
      window_started_at: new Date(w.startedAt).toISOString(),
      window_ended_at: new Date(endedAt).toISOString(),
    },
  });
  const close = async (key: string, w: Window, endedAt: number) => {
    open.delete(key);
    if (w.more > 0) await write(summaryOf(w, endedAt));
  };

  return {
    async record(event) {
      const key = `${event.token_id}\u0000${event.details.reason}\u0000${event.error_code}`;
      const t = now();
      const current = open.get(key);
      if (current && t - current.startedAt < windowMs) {
        current.more++;
        return;
      }
      if (current) await close(key, current, current.startedAt + windowMs);
      if (open.size >= maxWindows) {
        const [oldestKey, oldest] = open.entries().next().value as [string, Window];
        await close(oldestKey, oldest, t);
      }
      open.set(key, { first: event, startedAt: t, more: 0 });
      await write({ ...event, details: { ...event.details, window_s: windowMs / 1000 } });
    },
    async flush(flushOptions = {}) {
      const t = now();
      for (const [key, w] of [...open]) {
        if (flushOptions.all || t - w.startedAt >= windowMs) await close(key, w, Math.min(t, w.startedAt + windowMs));
      }
    },
  };
}
