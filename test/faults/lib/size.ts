/**
 * How big a fault run is. `FAULTS_SIZE=ci` (default) fits CI on two cores in a few
 * minutes; `FAULTS_SIZE=full` is the by-hand run whose figures go into docs/FAULTS.md.
 * `FAULTS_SEED` fixes the fuzzer's seed (printed with every failure) to replay a run.
 */
export type FaultsSize = "ci" | "full";

export const SIZE: FaultsSize = process.env.FAULTS_SIZE === "full" ? "full" : "ci";

const pick = <T>(ci: T, full: T): T => (SIZE === "full" ? full : ci);

export const FAULTS = {
  size: SIZE,
  seed: Number.parseInt(process.env.FAULTS_SEED ?? "", 10) || 20_261_201,
  /** Fuzzed requests over every route and tool. */
  fuzzRequests: Number.parseInt(process.env.FAULTS_FUZZ_REQUESTS ?? "", 10) || pick(4_000, 100_000),
  /** kill -9 trials of the gateway during writes. */
  killTrials: pick(4, 100),
  /** Writes in flight when the gateway is killed. */
  writesPerKill: pick(8, 12),
  /** Calls per Tasker fault mode. */
  taskerFaultCalls: pick(4, 30),
  /** Postgres restarts under load. */
  pgRestarts: pick(1, 3),
  /** Concurrent writers during a Postgres restart. */
  pgWriters: pick(6, 16),
  /** Keys sent 20-fold in parallel across two replicas. */
  replicaKeys: pick(10, 200),
  /** Per-test time budget (ms). */
  testTimeoutMs: pick(240_000, 3_600_000),
} as const;
