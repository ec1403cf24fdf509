import type { Bench } from "../lib/context.ts";

export async function runMicro(b: Bench): Promise<void> {
  b.results.na("Micro-benchmarks (in process, real Postgres)", "all", "n/a: gateway modules not landed yet");
}
