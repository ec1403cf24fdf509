import type { Sql } from "postgres";
import { IDEMPOTENCY_RETENTION_HOURS } from "@nodedc/shared";
import { purgeIdempotencyRecords } from "./idempotency-store";

export interface PurgeJob {
  runOnce(): Promise<number>;
  stop(): void;
}

/**
 * Starts the retention purge: once shortly after start, then every `intervalMs`. The timer
 * is unref'd (never keeps the process alive); errors are reported and the next tick tries
 * again. Several replicas may run it: the DELETE skips rows another replica holds.
 */
export function startIdempotencyPurgeJob(
  sql: Sql,
  options: { intervalMs?: number; retentionHours?: number; onError?: (error: unknown) => void } = {},
): PurgeJob {
  const retention = Math.max(IDEMPOTENCY_RETENTION_HOURS, options.retentionHours ?? IDEMPOTENCY_RETENTION_HOURS);
  let running = false;
  const runOnce = async () => {
    if (running) return 0;
    running = true;
    try {
      return await purgeIdempotencyRecords(sql, retention);
    } finally {
      running = false;
    }
  };
  const tick = () => void runOnce().catch((error) => options.onError?.(error));
  const first = setTimeout(tick, 5_000);
  const every = setInterval(tick, options.intervalMs ?? 15 * 60_000);
  first.unref();
  every.unref();
  return {
    runOnce,
    stop() {
      clearTimeout(first);
      clearInterval(every);
    },
  };
}
