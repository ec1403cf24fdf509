/** Figures computed from the ways: gateway overhead, throughput ratio, MCP overhead, MCP ÷ peer. */
import type { Bench } from "./context.ts";
import type { WayColumn } from "./report.ts";
import { TARGETS } from "./targets.ts";
import { OPS, type OpName } from "./way.ts";

const WRITES: ReadonlySet<OpName> = new Set(["create_card", "add_comment"]);

export function derive(b: Bench, ways: Record<string, WayColumn>): void {
  const r = b.results;
  const p50 = (w: string, op: OpName) => ways[w]?.figures?.[op]?.latency?.p50;
  const rate = (w: string, op: OpName, c: number) => ways[w]?.figures?.[op]?.load[c]?.callsPerSec;
  const top = Math.max(...b.profile.load.concurrencies);

  for (const gw of ["gatewayPg", "gatewayPglite"] as const) {
    const db = gw === "gatewayPg" ? "Postgres" : "PGlite";
    const S = `Gateway overhead over direct (${db})`;
    for (const op of OPS) {
      const target = WRITES.has(op) ? TARGETS.overheadWriteP50 : TARGETS.overheadReadP50;
      const g = p50(gw, op);
      const d = p50("direct", op);
      if (g === undefined || d === undefined) {
        r.na(S, `${op}: added p50 latency`, `n/a: ${ways[gw]?.na ?? ways[gw]?.figures?.[op]?.error ?? ways.direct?.figures?.[op]?.error ?? "not measured"}`, { target: gw === "gatewayPg" ? target : undefined });
        continue;
      }
      r.add(S, `${op}: added p50 latency`, g - d, "ms", { ...(gw === "gatewayPg" ? { target } : {}), note: `gateway ${g.toFixed(2)} − direct ${d.toFixed(2)} ms` });
    }
    for (const op of OPS) {
      const g = rate(gw, op, top);
      const d = rate("direct", op, top);
      if (g === undefined || d === undefined || d === 0) {
        r.na(S, `${op}: calls/s vs sandbox at ${top} callers`, "n/a: not measured", { target: gw === "gatewayPg" ? TARGETS.throughputRatio : undefined });
        continue;
      }
      r.add(S, `${op}: calls/s vs sandbox at ${top} callers`, (g / d) * 100, "%", {
        ...(gw === "gatewayPg" ? { target: TARGETS.throughputRatio } : {}),
        note: `${g.toFixed(0)} ÷ ${d.toFixed(0)} calls/s`,
      });
    }
  }

  const M = "MCP stdio (nodedc-tasker mcp)";
  for (const op of OPS) {
    const m = p50("mcp", op);
    const g = p50("gatewayPg", op);
    if (m === undefined || g === undefined) {
      r.na(M, `${op}: per-call overhead over REST (p50)`, `n/a: ${ways.mcp?.na ?? ways.mcp?.figures?.[op]?.error ?? "not measured"}`, { target: TARGETS.mcpOverheadP50 });
      continue;
    }
    r.add(M, `${op}: per-call overhead over REST (p50)`, m - g, "ms", { target: TARGETS.mcpOverheadP50, note: `mcp ${m.toFixed(2)} − REST ${g.toFixed(2)} ms` });
  }

  const P = "Ours (3) ÷ peer (4)";
  for (const op of OPS) {
    const m = p50("mcp", op);
    const p = p50("peer", op);
    if (m === undefined || p === undefined) {
      r.na(P, `${op}: p50 latency ratio`, `n/a: ${ways.mcp?.na ?? ways.mcp?.figures?.[op]?.error ?? ways.peer?.figures?.[op]?.error ?? "not measured"}`);
    } else {
      r.add(P, `${op}: p50 latency ratio`, m / p, "×", { note: `${m.toFixed(2)} vs ${p.toFixed(2)} ms (< 1 = ours faster)` });
    }
    const mr = rate("mcp", op, top);
    const pr = rate("peer", op, top);
    if (mr !== undefined && pr !== undefined && pr > 0) r.add(P, `${op}: calls/s ratio at ${top} in flight`, mr / pr, "×", { note: `${mr.toFixed(0)} vs ${pr.toFixed(0)} calls/s (> 1 = ours faster)` });
  }
}
