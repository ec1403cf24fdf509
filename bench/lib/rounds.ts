/**
 * Tasker rounds behind one tool call: how many times the gateway had to wait for Tasker
 * before it could answer, i.e. the length of the longest chain of requests where each one
 * was sent only after the one before it had been answered.
 *
 * Where the times come from, and why. The sandbox records each request's arrival (t0: its
 * handler starts) and the moment its answer is ready (t1), both in its own process. The
 * sandbox is one Node event loop that runs each handler to completion, so at zero injected
 * latency three requests the gateway sent at once are handled one after the other and stamped
 * back to back: A [0, 0.3], B [0.3, 0.6], C [0.6, 0.9] — indistinguishable from three
 * dependent requests. The old detector read that as three rounds. So rounds are detected
 * only while the sandbox's latency fault holds every request for L ms (10 ms) BEFORE its
 * handler runs: a request the gateway sent in parallel then arrives while the others are
 * still waiting (its arrival is delayed by their pre-wait work, ~0.1 ms, never by L), and a
 * request that needed another's answer can only arrive after that answer left. With
 * handling ≪ L, "B arrived at or after A's answer" (B.t0 ≥ A.t1) is exactly "B may depend
 * on A", and the round of a request is 1 + the deepest round it arrived after.
 * The gateway's own view (its undici client's start/end times) would need a hook in the
 * production code or a proxy hop that changes its connection pooling; the arrival times
 * under the fault give the same answer without touching what is measured. The wall time of
 * the call (≈ rounds × L + the gateway's own time) is reported next to it as a cross-check.
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
