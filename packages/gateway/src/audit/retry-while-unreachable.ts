import postgres from "postgres";

/**
 * A read's audit event is written after its answer has gone out, so nobody is left to
 * retry it: while the database restarts or fails over, the first attempt fails and the
 * event would be gone. Such events are retried with a growing pause for as long as the
 * database is unreachable, up to a bound (a gateway cut off for longer reports the loss).
 * Failures of the event itself (a constraint, a bad value) are not retried: they fail the
 * same way every time.
 */
export interface RetrySchedule {
  /** Total time spent retrying before giving up (ms). */
  budgetMs: number;
  firstPauseMs: number;
  maxPauseMs: number;
}

export const UNREACHABLE_RETRY: RetrySchedule = { budgetMs: 120_000, firstPauseMs: 100, maxPauseMs: 5_000 };

/** Connection-level failures: the database (or the way to it) is away, not the statement wrong. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);

export function isDatabaseUnreachable(error: unknown): boolean {
  if (error instanceof postgres.PostgresError) {
    // 08: connection exception; 57P01–57P03: shut down or starting up; 53300: no slot free
    return error.code.startsWith("08") || /^57P0[1-3]$/.test(error.code) || error.code === "53300";
  }
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && CONNECTION_CODES.has(code);
}

export async function retryWhileUnreachable<T>(
  attempt: () => Promise<T>,
  schedule: RetrySchedule = UNREACHABLE_RETRY,
  pause: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref()),
): Promise<T> {
  let waited = 0;
  let next = schedule.firstPauseMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!isDatabaseUnreachable(error) || waited + next > schedule.budgetMs) throw error;
      await pause(next);
      waited += next;
      next = Math.min(next * 2, schedule.maxPauseMs);
    }
  }
}
