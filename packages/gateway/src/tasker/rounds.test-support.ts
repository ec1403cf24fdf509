/**
 * Counts a client's Tasker rounds deterministically: the sandbox holds every request (fault
 * mode "hold") until all requests of the expected round are held at the same time, then
 * answers them together. Reaching that point proves they were in flight together, which a
 * client sending them one after another never does: it leaves the round incomplete until
 * its own Tasker timeout gives up, and the check fails naming what was held. Nothing is timed.
 * What it proves is an upper bound ("these requests, in at most these rounds"), so state
 * the tightest rounds; any request beyond the expected ones fails the check.
 */

import type { SandboxHandle } from "@nodedc/tasker-sandbox";
import { expect } from "vitest";

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** `GET /projects/{id}/members/`: the method and the path below the workspace, ids elided. */
export function describeRequest(r: { method: string; path: string }): string {
  return `${r.method} ${r.path.replace(/^\/api\/v1\/workspaces\/[^/]+/, "").replace(UUID, "{id}")}`;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `fn` and checks that its Tasker requests came in exactly the `expected` rounds (each
 * a list of describeRequest strings, order within a round free). Returns what `fn` returned.
 */
export async function expectRounds<T>(sb: SandboxHandle, fn: () => Promise<T>, expected: readonly (readonly string[])[]): Promise<T> {
  const rule = sb.faults.add({ mode: "hold" });
  const done: Promise<Outcome<T>> = fn().then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
  const finished = done.then(() => null);
  try {
    for (const [i, round] of expected.entries()) {
      const held = await Promise.race([sb.faults.whenHeld(round.length), finished]);
      if (held === null) {
        throw new Error(`round ${i + 1}: the call finished while [${sb.faults.held().map(describeRequest).join(", ")}] were held; expected [${round.join(", ")}]`);
      }
      expect(held.map(describeRequest).sort(), `round ${i + 1} of ${expected.length}`).toEqual([...round].sort());
      sb.faults.releaseHeld();
    }
    const extra = await Promise.race([finished, sb.faults.whenHeld(1)]);
    if (extra !== null) throw new Error(`a request after the last expected round: ${extra.map(describeRequest).join(", ")}`);
  } finally {
    sb.faults.remove(rule.id);
    sb.faults.releaseHeld();
  }
  const outcome = await done;
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
