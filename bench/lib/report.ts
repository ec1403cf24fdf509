/** The stdout table: per-way matrices, then every §12 target with its measured figure. */
import type { Row } from "./results.ts";
import { OPS, type WayFigures } from "./way.ts";

export interface WayColumn {
  key: string;
  title: string;
  figures?: WayFigures;
  /** Why the whole way is missing. */
  na?: string;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + " ".repeat(n - s.length));
const f2 = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => pad(c, widths[i]!)).join(" | ") + " |";
  return [line(header), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...rows.map(line)].join("\n");
}

export function latencyTable(ways: WayColumn[]): string {
  const rows = OPS.map((op) => [
    op,
    ...ways.map((w) => {
      if (w.na) return `n/a`;
      const f = w.figures?.[op];
      if (!f) return "n/a";
      if (!f.latency) return `n/a: ${f.error ?? "not run"}`.slice(0, 48);
      return `${f2(f.latency.p50)} / ${f2(f.latency.p95)} / ${f2(f.latency.p99)}`;
    }),
  ]);
  return table(["op (ms p50 / p95 / p99, 1 caller)", ...ways.map((w) => w.title)], rows);
}

export function loadTable(ways: WayColumn[], concurrencies: number[]): string {
  const rows = OPS.map((op) => [
    op,
    ...ways.map((w) => {
      const f = w.figures?.[op];
      if (w.na || !f || !f.latency) return "n/a";
      return concurrencies
        .map((c) => {
          const l = f.load[c];
          if (!l) return "–";
          return `${l.callsPerSec.toFixed(0)}${l.failed ? "!" : ""}`;
        })
        .join(" / ");
    }),
  ]);
  return table([`op (calls/s at ${concurrencies.join(" / ")} callers)`, ...ways.map((w) => w.title)], rows);
}

export function viaTable(ways: WayColumn[]): string {
  const rows = OPS.map((op) => [op, ...ways.map((w) => (w.na ? `n/a: ${w.na}` : (w.figures?.[op]?.via ?? "n/a")).slice(0, 60))]);
  return table(["op: what each way calls", ...ways.map((w) => w.title)], rows);
}

function fmtNumber(v: number): string {
  return Number.isInteger(v) || Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(3);
}

function fmtValue(r: Row): string {
  if (r.value === null) return r.na ?? "n/a";
  return `${r.unit === "ms" && r.compare ? (r.value >= 0 ? "+" : "") : ""}${fmtNumber(r.value)} ${r.unit}`.trim();
}

const mark = (r: Row) => (r.ok === undefined ? (r.target && r.value === null ? "–" : "") : r.ok ? "✓" : "✗");

/** Every figure with a target, one line each, in the order measured: the summary a reader checks first. */
export function targetsTable(rows: Row[]): string {
  const rs = rows.filter((r) => r.target);
  if (!rs.length) return "";
  return table(
    ["target (DESIGN §12, issue 15)", "measured", "target", ""],
    rs.map((r) => [`${r.section.split("(")[0]!.trim()}: ${r.metric}`, fmtValue(r), r.target!.label, mark(r)]),
  );
}

export function rowsTable(rows: Row[]): string {
  const out: string[] = [];
  const sections = [...new Set(rows.map((r) => r.section))];
  for (const s of sections) {
    const rs = rows.filter((r) => r.section === s);
    const reasons = [...new Set(rs.map((r) => r.na))];
    if (rs.every((r) => r.value === null) && reasons.length === 1) {
      out.push(`\n## ${s}\n${reasons[0]} (${rs.length} figure${rs.length > 1 ? "s" : ""}${rs.some((r) => r.target) ? ", with targets" : ""})`);
      continue;
    }
    out.push(`\n## ${s}`);
    const ref = rs.find((r) => r.compare)?.compare?.label;
    if (rs.some((r) => r.compare)) {
      out.push(
        table(
          ["figure", "ours", ref ?? "reference", "measured", "target", ""],
          rs.map((r) => [
            r.metric,
            r.compare ? `${fmtNumber(r.compare.ours)} ${r.compare.unit}`.trim() : "",
            r.compare ? `${fmtNumber(r.compare.reference)} ${r.compare.unit}`.trim() : "",
            fmtValue(r),
            r.target?.label ?? "",
            mark(r),
          ]),
        ),
      );
    } else out.push(
      table(
        ["figure", "measured", "target (§12)", ""],
        rs.map((r) => [r.metric, fmtValue(r), r.target?.label ?? "", mark(r)]),
      ),
    );
    const notes = rs.filter((r) => r.note).map((r) => `  * ${r.metric}: ${r.note}`);
    if (notes.length) out.push(notes.join("\n"));
  }
  return out.join("\n");
}

/** CPU time each server process spent per call during the sequential loop (load-independent-ish). */
export function cpuTable(ways: WayColumn[]): string {
  const rows = OPS.map((op) => [
    op,
    ...ways.map((w) => {
      const c = w.figures?.[op]?.cpuMsPerCall;
      if (w.na || !c) return "n/a";
      return Object.entries(c)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(", ");
    }),
  ]);
  return table(["op (server CPU ms per call)", ...ways.map((w) => w.title)], rows);
}
