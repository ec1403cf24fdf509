import type { CallResult } from "./process-stack";

export interface Resolved {
  result: CallResult;
  attempts: number;
  /** Status of the first answer (0: no answer). */
  firstStatus: number;
  /** Answers ≥ 500 seen on the way (the documented retryable ones included). */
  fiveXx: CallResult[];
}

/**
 * Retries a write the way a well-behaved client does: on a transport error, a 5xx with
 * `retryable`, 409 `idempotency_in_progress` (after Retry-After) or 429, until a final
 * answer or the deadline. Pauses are short: the loop is bounded by time and count.
 */
export async function resolveWithRetries(call: () => Promise<CallResult>, deadlineMs: number | (() => number), maxAttempts = 100_000): Promise<Resolved> {
  // a number: ms from now; a function: the deadline (epoch ms) as it stands at each attempt
  const fixedEnd = typeof deadlineMs === "number" ? Date.now() + deadlineMs : 0;
  const endOf = () => (typeof deadlineMs === "number" ? fixedEnd : deadlineMs());
  const fiveXx: CallResult[] = [];
  let attempts = 0;
  let firstStatus = -1;
  for (;;) {
    const result = await call();
    attempts++;
    if (firstStatus === -1) firstStatus = result.status;
    if (result.status >= 500) fiveXx.push(result);
    const retryable =
      result.status === 0 ||
      result.status === 409 ||
      result.status === 429 ||
      (result.status >= 500 && result.body?.error?.retryable === true);
    const end = endOf();
    if (!retryable || Date.now() >= end || attempts >= maxAttempts) return { result, attempts, firstStatus, fiveXx };
    const pauseMs = result.retryAfterS !== null ? Math.min(result.retryAfterS * 1000, 1000) : 50;
    await new Promise((r) => setTimeout(r, Math.min(pauseMs, Math.max(0, end - Date.now()))));
  }
}
