/**
 * Tasker rounds behind one tool call: how many times the gateway had to wait for Tasker
 * before it could answer, i.e. the length of the longest chain of requests where each one
 * was sent only after the one before it had been answered.
 *
 * Where the times come from, and why. Not from the sandbox: it is one Node event loop that
 * runs each handler to completion, so requests the gateway sent at once are handled one
 * after the other and stamped back to back — A [0, 0.3], B [0.3, 0.6], C [0.6, 0.9] —
 * indistinguishable from three dependent requests. The old detector (overlaps in the
 * sandbox's times = one round) read that as three rounds. Even with the sandbox's latency
 * fault holding each request before its handler, a request that reaches the sandbox while
 * its loop is serialising another answer waits in the socket buffer and is stamped late;
 * on this loaded machine that made a parallel request look like a third round.
 * So the rounds leg puts a recording proxy (bench/servers/recording-proxy.ts) between the
 * gateway and the sandbox: it stamps a request when it arrives from the gateway (t0) and
 * when its answer has been handed back (t1) — the gateway client's view, one hop away — and
 * does no per-request work of its own, so its loop is never busy for long. The sandbox's
 * latency fault (10 ms per request) keeps the proxy's own scheduling delays (≪ 10 ms) from
 * reordering anything. Then "B arrived at or after A's answer left" (B.t0 ≥ A.t1) is "B may
 * depend on A", and the round of a request is 1 + the deepest round it arrived after.
 * Hooking the gateway's own client would mean test code in production code; the proxy
 * changes only how far away Tasker is. The call's wall time (≈ rounds × L + the gateway's
 * own time) is reported next to each figure as a cross-check. Scheduling noise can only
 * ADD apparent rounds (a descheduled proxy stamps a parallel request late), never hide one
 * (a request that needed an answer arrives after it left), so the leg keeps the best of
 * several tries.
 */

export interface TimedRequest {
  method: string;
  path: string;
  /** Arrival at the sandbox (ms, any epoch shared by the calls). */
  t0: number;
  /** Answer ready (same clock). */
  t1: number;
}

/**
 * Groups requests into rounds by causality: round(c) = 1 + max round(p) over the requests p
 * answered no later than c arrived (p.t1 ≤ c.t0); 1 when c arrived before any answer.
 * Requests of one round are in arrival order.
 */
export function roundsOf<T extends TimedRequest>(calls: readonly T[]): T[][] {
  const sorted = [...calls].sort((a, b) => a.t0 - b.t0);
  const depth: number[] = [];
  const rounds: T[][] = [];
  sorted.forEach((c, i) => {
    let d = 1;
    for (let j = 0; j < i; j++) if (sorted[j]!.t1 <= c.t0) d = Math.max(d, depth[j]! + 1);
    depth.push(d);
    (rounds[d - 1] ??= []).push(c);
  });
  return rounds;
}

/** `GET /projects/{id}/work-items/{id}/ ‖ GET …/comments/ → POST …` with ids and queries elided. */
export function describeRounds(rounds: readonly TimedRequest[][]): string {
  const short = (c: TimedRequest) =>
    `${c.method} ${c.path
      .replace(/^\/api\/v1\/workspaces\/[^/]+/, "")
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "{id}")
      .replace(/\?.*$/, "")}`;
  return rounds.map((r) => r.map(short).join(" ‖ ")).join(" → ");
}

/**
 * An ASCII timeline of one call's requests, one line per request, relative to the first
 * arrival: `r1 ███████████          GET /projects/{id}/work-items/{id}/  0.0–10.4 ms`.
 */
export function timeline(rounds: readonly TimedRequest[][], msPerChar = 1): string {
  const all = rounds.flat();
  if (!all.length) return "(no Tasker requests)";
  const origin = Math.min(...all.map((c) => c.t0));
  const end = Math.max(...all.map((c) => c.t1));
  const width = Math.max(1, Math.ceil((end - origin) / msPerChar));
  const lines: string[] = [];
  rounds.forEach((round, k) => {
    for (const c of round) {
      const a = Math.floor((c.t0 - origin) / msPerChar);
      const b = Math.max(a + 1, Math.ceil((c.t1 - origin) / msPerChar));
      const bar = " ".repeat(a) + "█".repeat(b - a) + " ".repeat(Math.max(0, width - b));
      lines.push(`r${k + 1} ${bar}  ${describeRounds([[c]])}  ${(c.t0 - origin).toFixed(1)}–${(c.t1 - origin).toFixed(1)} ms`);
    }
  });
  return lines.join("\n");
}
