/**
 * Which upstream requests one gateway tool call makes, recorded in the sandbox child, and a
 * replay of exactly those requests made directly (requests of one round run in parallel, as
 * the gateway ran them; rounds are detected under the sandbox's latency fault, rounds.ts):
 * "direct, same upstream calls".
 */
import type { ChildProcess } from "node:child_process";
import { request } from "./http.ts";
import { ask } from "./proc.ts";

import type { RecordedCall } from "../servers/sandbox.ts";

export type { RecordedCall };
export { describeRounds, roundsOf } from "./rounds.ts";

/**
 * Records the upstream requests of `fn`, once the sandbox is quiet (requests a load run left
 * in flight are finished first), `tries` times; returns the smallest set (steady state: the
 * metadata cache warm), so a cache refresh that happens to fall into one try does not count.
 */
export async function recordUpstream(sandbox: ChildProcess, fn: () => Promise<unknown>, tries = 3): Promise<RecordedCall[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await ask(sandbox, { cmd: "record", on: true });
    await new Promise((r) => setTimeout(r, 300));
    const { calls } = await ask<{ calls: RecordedCall[] }>(sandbox, { cmd: "recorded" });
    if (calls.length === 0) break;
    if (Date.now() > deadline) throw new Error(`the sandbox did not go quiet (${calls.length} requests in 300 ms)`);
  }
  let best: RecordedCall[] | null = null;
  try {
    for (let i = 0; i < tries; i++) {
      await ask(sandbox, { cmd: "record", on: true });
      await fn();
      const { calls } = await ask<{ calls: RecordedCall[] }>(sandbox, { cmd: "recorded" });
      if (!best || calls.length < best.length) best = calls;
    }
    return best!;
  } finally {
    await ask(sandbox, { cmd: "record", on: false });
  }
}

/** Keeps replayed writes distinct (the sandbox refuses a second create with the same external_id). */
function uniqueBody(body: string | null, i: number): string | undefined {
  if (body === null || body === "") return undefined;
  try {
    const o = JSON.parse(body) as Record<string, unknown>;
    if (typeof o.external_id === "string") o.external_id = `${o.external_id}-r${i}`;
    return JSON.stringify(o);
  } catch {
    return body;
  }
}

export function replayCall(baseUrl: string, apiKey: string, rounds: RecordedCall[][], maxSockets = 256): (i: number) => Promise<void> {
  return async (i) => {
    for (const round of rounds) {
      await Promise.all(
        round.map(async (c) => {
          const r = await request(baseUrl, c.method, c.path, { "x-api-key": apiKey, accept: "application/json" }, uniqueBody(c.body, i), maxSockets);
          if (r.status >= 400) throw new Error(`replay ${c.method} ${c.path}: HTTP ${r.status}`);
        }),
      );
    }
  };
}
