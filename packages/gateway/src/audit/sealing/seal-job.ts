import type { Sql } from "postgres";
import { SEAL_BATCH_SIZE, sealOnce, type SealResult } from "./sealer";
import type { SigningKey } from "./signing-key";

export interface SealJob {
  /** Seals until the queue is empty (or another replica holds the lock); resolves with the checkpoints made. */
  sealNow(): Promise<SealResult[]>;
  /** Stops the timers and waits for a seal in progress. */
  stop(): Promise<void>;
}

export interface SealJobOptions {
  intervalMs: number;
  /** How often the queue length is looked at between seals (default min(interval, 5 s)). */
  probeMs?: number;
  /** This many waiting events seal early (default one batch). */
  earlyThreshold?: number;
  onSealed?: (result: SealResult) => void;
  onError?: (error: unknown) => void;
}

/**
 * The sealer's schedule, off the request path: a seal every `intervalMs`, and an early one
 * when a probe finds at least `earlyThreshold` events waiting. Every replica runs the job;
 * the advisory lock in sealOnce makes all but one of them a no-op. Timers are unref'd.
 */
export function startSealJob(sql: Sql, key: SigningKey, options: SealJobOptions): SealJob {
  const threshold = options.earlyThreshold ?? SEAL_BATCH_SIZE;
  const probeMs = Math.max(50, Math.min(options.probeMs ?? 5_000, options.intervalMs));
  let running: Promise<SealResult[]> | null = null;
  let lastSealAt = Date.now();
  let stopped = false;

  const drain = async (): Promise<SealResult[]> => {
    const results: SealResult[] = [];
    for (;;) {
      const result = await sealOnce(sql, key);
      if (result.checkpoint) {
        results.push(result);
        options.onSealed?.(result);
      }
      if (!result.locked || result.sealed < SEAL_BATCH_SIZE || stopped) return results;
    }
  };
  const sealNow = (): Promise<SealResult[]> => {
    running ??= drain().finally(() => {
      lastSealAt = Date.now();
      running = null;
    });
    return running;
  };
  const waiting = async (): Promise<number> => {
    const [row] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM (SELECT 1 FROM audit_seal_queue LIMIT ${threshold}) AS q`;
    return row?.n ?? 0;
  };
  const tick = async () => {
    if (running || stopped) return;
    if (Date.now() - lastSealAt >= options.intervalMs || (await waiting()) >= threshold) await sealNow();
  };
  const timer = setInterval(() => void tick().catch((error) => options.onError?.(error)), probeMs);
  timer.unref();
  return {
    sealNow,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
