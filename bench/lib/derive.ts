/** Figures computed from the ways: gateway overhead, throughput ratio, MCP overhead, MCP ÷ peer. */
import type { Bench } from "./context.ts";
import type { WayColumn } from "./report.ts";
import { OPS, type OpName } from "./way.ts";

export function derive(b: Bench, ways: Record<string, WayColumn>): void {
  const r = b.results;
  const p50 = (w: string, op: OpName) => ways[w]?.figures?.[op]?.latency?.p50;
  const rate = (w: string, op: OpName, c: number) => ways[w]?.figures?.[op]?.load[c]?.callsPerSec;
  const top = Math.max(...b.profile.load.concurrencies);

  for (const gw of ["gatewayPg", "gatewayPglite"] as const) {
    const db = gw === "gatewayPg" ? "Postgres" : "PGlite";
    const S = `Gateway (${db}) vs direct, from the per-way tables`;
    for (const op of OPS) {
      // Postgres: the gateway leg's interleaved figures say this better; PGlite's are context.
      if (gw === "gatewayPg") break;
      const g = p50(gw, op);
      const d = p50("direct", op);
      if (g === undefined || d === undefined) {
        r.na(S, `${op}: added p50 latency`, `n/a: ${ways[gw]?.na ?? ways[gw]?.figures?.[op]?.error ?? ways.direct?.figures?.[op]?.error ?? "not measured"}`);
        continue;
      }
      r.add(S, `${op}: added p50 latency`, g - d, "ms", { note: `gateway ${g.toFixed(2)} − direct ${d.toFixed(2)} ms` });
    }
    for (const op of OPS) {
      const g = rate(gw, op, top);
      const d = rate("direct", op, top);
      if (g === undefined || d === undefined || d === 0) {
        r.na(S, `${op}: calls/s vs sandbox at ${top} callers`, "n/a: not measured");
        continue;
      }
      r.add(S, `${op}: calls/s vs sandbox at ${top} callers`, (g / d) * 100, "%", {
        note: `${g.toFixed(0)} ÷ ${d.toFixed(0)} calls/s`,
      });
    }
  }

  const P = "Ours ÷ peer, MCP stdio (3 vs 4)"; // the p50 ratio is measured interleaved in the MCP leg
  for (const op of OPS) {
    const mr = rate("mcp", op, top);
    const pr = rate("peer", op, top);
    if (mr !== undefined && pr !== undefined && pr > 0) {
      r.add(P, `${op}: calls/s, ours (3) ÷ peer (4), ${top} in flight`, mr / pr, "×", { note: `${mr.toFixed(0)} vs ${pr.toFixed(0)} calls/s, from the per-way table (> 1 = ours faster)` });
    } else {
      r.na(P, `${op}: calls/s, ours (3) ÷ peer (4), ${top} in flight`, `n/a: ${ways.mcp?.na ?? ways.peer?.na ?? "not measured"}`);
    }
  }
}
