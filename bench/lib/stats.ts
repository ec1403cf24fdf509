/** Latency statistics over samples in milliseconds (nearest-rank percentiles). */
export interface LatencySummary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarise(samplesMs: number[]): LatencySummary {
  const s = [...samplesMs].sort((a, b) => a - b);
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    mean: s.length ? sum / s.length : Number.NaN,
    min: s[0] ?? Number.NaN,
    max: s[s.length - 1] ?? Number.NaN,
  };
}

export function median(values: number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** Milliseconds elapsed since `start` (from `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs `fn` sequentially, `warmup` times unmeasured then until `count` samples or
 * `maxMs` elapsed (whichever first), and returns per-call milliseconds.
 */
export async function timeSequential(
  fn: (i: number) => Promise<unknown>,
  opts: { count: number; warmup: number; maxMs: number },
): Promise<number[]> {
  for (let i = 0; i < opts.warmup; i++) await fn(-1 - i);
  const samples: number[] = [];
  const deadline = Date.now() + opts.maxMs;
  for (let i = 0; i < opts.count && Date.now() < deadline; i++) {
    const t = process.hrtime.bigint();
    await fn(i);
    samples.push(msSince(t));
  }
  return samples;
}

/**
 * Keeps `concurrency` calls in flight for `durationMs` (bounded by `maxCalls`) and
 * returns completed calls per second plus the number of errors.
 */
export async function throughput(
  fn: (i: number) => Promise<unknown>,
  opts: { concurrency: number; durationMs: number; maxCalls: number },
): Promise<{ callsPerSec: number; completed: number; errors: number; elapsedMs: number }> {
  let next = 0;
  let completed = 0;
  let errors = 0;
  const start = process.hrtime.bigint();
  const deadline = Date.now() + opts.durationMs;
  const worker = async () => {
    while (Date.now() < deadline && next < opts.maxCalls) {
      const i = next++;
      try {
        await fn(i);
        completed++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsedMs = msSince(start);
  return { callsPerSec: (completed / elapsedMs) * 1000, completed, errors, elapsedMs };
}

/**
 * Calls each function in turn (a, b, c, a, b, c, …) so slow drifts of a shared machine hit
 * all of them alike; returns one sample list per function. Differences of their medians are
 * far steadier than differences of figures measured minutes apart.
 */
export async function timeInterleaved(
  fns: Array<(i: number) => Promise<unknown>>,
  opts: { count: number; warmup: number; maxMs: number },
): Promise<number[][]> {
  for (let i = 0; i < opts.warmup; i++) for (const fn of fns) await fn(-1 - i);
  const samples = fns.map(() => [] as number[]);
  const deadline = Date.now() + opts.maxMs;
  for (let i = 0; i < opts.count && Date.now() < deadline; i++) {
    for (let k = 0; k < fns.length; k++) {
      const t = process.hrtime.bigint();
      await fns[k]!(i);
      samples[k]!.push(msSince(t));
    }
  }
  return samples;
}
