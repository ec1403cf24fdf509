/** How much each leg does: `--smoke` proves every leg runs; the full run gives the figures. */
export interface Profile {
  smoke: boolean;
  latency: { count: number; warmup: number; maxMs: number };
  /** autocannon / in-flight load per concurrency level: seconds, or a fixed call count. */
  load: { seconds: number; amount?: number; concurrencies: number[] };
  coldStarts: number;
  micro: { count: number; warmup: number };
  scale: { auditSizes: number[]; tokens: number; queries: number };
  rss200: { seconds: number; amount?: number; callers: number };
}

export const FULL: Profile = {
  smoke: false,
  latency: { count: 400, warmup: 40, maxMs: 5_000 },
  load: { seconds: 2, concurrencies: [1, 16, 64] },
  coldStarts: 10,
  micro: { count: 3_000, warmup: 300 },
  scale: { auditSizes: [10_000, 100_000, 1_000_000], tokens: 10_000, queries: 200 },
  rss200: { seconds: 5, callers: 200 },
};

export const SMOKE: Profile = {
  smoke: true,
  latency: { count: 5, warmup: 1, maxMs: 1_000 },
  load: { seconds: 1, amount: 8, concurrencies: [1, 8] },
  coldStarts: 1,
  micro: { count: 20, warmup: 2 },
  scale: { auditSizes: [1_000, 5_000], tokens: 500, queries: 5 },
  rss200: { seconds: 1, amount: 200, callers: 200 },
};
