/** spawn → `initialize` answered, median of N, for an MCP stdio server; its peak RSS too. */
import type { Bench } from "../lib/context.ts";
import { connectStdio } from "../lib/mcp-client.ts";
import { memoryOf } from "../lib/proc.ts";
import { median } from "../lib/stats.ts";

export async function coldStart(b: Bench, label: string, command: string, args: string[], env: Record<string, string>): Promise<{ medianMs: number; samples: number[]; hwmMb: number | null }> {
  const samples: number[] = [];
  let hwm: number | null = null;
  // The full run starts once unmeasured to warm the OS page cache, as a second launch by Codex would be.
  const warm = b.profile.smoke ? 0 : 1;
  for (let i = 0; i < b.profile.coldStarts + warm; i++) {
    const s = await connectStdio(command, args, env);
    if (i >= warm) samples.push(s.initMs);
    const m = memoryOf(s.pid ?? undefined);
    if (m) hwm = Math.max(hwm ?? 0, m.hwmMb);
    await s.close();
  }
  const medianMs = median(samples);
  b.log(`  cold start ${label}: median ${medianMs.toFixed(0)} ms (${samples.map((x) => x.toFixed(0)).join(", ")})`);
  return { medianMs, samples, hwmMb: hwm };
}

/** The floor: spawn a bare `node -e` that writes one byte, until that byte arrives (median of N). */
export async function nodeStartFloor(n: number): Promise<number> {
  const { spawn } = await import("node:child_process");
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ["-e", "process.stdout.write('1')"], { stdio: ["ignore", "pipe", "ignore"] });
      child.stdout.once("data", () => resolve());
      child.once("error", reject);
    });
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(samples);
}
