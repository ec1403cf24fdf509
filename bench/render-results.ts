/**
 * `node --import tsx bench/render-results.ts bench-results/<run>.json`: the Markdown that
 * docs/PERFORMANCE.md holds for a run — the figures with targets (ours, the reference, the
 * ratio or difference, the target, ✓/✗) and the get_card request timelines the rounds leg
 * detected — printed to stdout, so the doc is pasted from a run, not retyped.
 */
import { readFileSync } from "node:fs";
import type { Row } from "./lib/results.ts";

interface RunJson {
  smoke: boolean;
  started: string;
  seconds: number;
  loadAtStart: string;
  loadAtEnd: number[];
  node: string;
  cpus: number;
  cpu?: string;
  rows: Row[];
  raw: { rounds?: Record<string, { timeline?: string; described?: string; wallMs?: number; rounds?: number }>; gatewayEntry?: string };
}

const file = process.argv[2];
if (!file) {
  console.error("usage: node --import tsx bench/render-results.ts bench-results/<run>.json");
  process.exit(2);
}
const run = JSON.parse(readFileSync(file, "utf8")) as RunJson;

const num = (v: number) => (Number.isInteger(v) || Math.abs(v) >= 1000 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));
const value = (r: Row) => {
  if (r.value === null) return r.na ?? "n/a";
  const sign = r.compare && r.unit === "ms" && r.value >= 0 ? "+" : "";
  return `${sign}${num(r.value)} ${r.unit}`.trim();
};
const mark = (r: Row) => (r.ok === undefined ? "–" : r.ok ? "✓" : "✗");
const short = (section: string) => section.split("(")[0]!.trim();

const end = new Date(new Date(run.started).getTime() + run.seconds * 1000);
const hhmm = (d: Date) => d.toISOString().slice(11, 16);
console.log(
  `Run of ${run.started.slice(0, 10)} ${hhmm(new Date(run.started))}–${hhmm(end)} UTC (\`pnpm bench\`${run.smoke ? " --smoke" : ""}, ${run.seconds.toFixed(0)} s, ${run.node}, ${run.cpus} × ${run.cpu ?? "cpu"}; load average ${run.loadAtStart.split(" ")[0]} at the start, ${run.loadAtEnd[0]!.toFixed(1)} at the end). Gateway: ${run.raw.gatewayEntry ?? "?"}.`,
);

const withTargets = run.rows.filter((r) => r.target);
const compared = withTargets.filter((r) => r.compare);
// the yardstick first, then the rounds, the MCP child, the peer, and the older targets
const ORDER = ["Gateway vs the reference floor", "Tasker rounds", "MCP stdio", "Ours", "Context cost", "Cold start", "CLI package", "Micro"];
const rank = (s: string) => ((i) => (i < 0 ? ORDER.length : i))(ORDER.findIndex((o) => s.startsWith(o)));
const sections = [...new Set(withTargets.map((r) => r.section))].sort((a, b) => rank(a) - rank(b));
for (const s of sections) {
  const rs = withTargets.filter((r) => r.section === s);
  console.log(`\n**${short(s)}**\n`);
  if (rs.some((r) => compared.includes(r))) {
    const ref = rs.find((r) => r.compare)!.compare!.label;
    console.log(`| figure | ours | ${ref} | measured | target | |\n|---|---|---|---|---|---|`);
    for (const r of rs) {
      const c = r.compare;
      console.log(`| ${r.metric} | ${c ? `${num(c.ours)} ${c.unit}`.trim() : ""} | ${c ? `${num(c.reference)} ${c.unit}`.trim() : ""} | **${value(r)}** | ${r.target!.label} | ${mark(r)} |`);
    }
  } else {
    console.log(`| figure | measured | target | |\n|---|---|---|---|`);
    for (const r of rs) console.log(`| ${r.metric} | **${value(r)}** | ${r.target!.label} | ${mark(r)} |`);
  }
}

const rounds = run.raw.rounds ?? {};
if (Object.keys(rounds).length) {
  console.log("\n**Request timelines** (one character = 1 ms, from arrival at the recording proxy to the answer handed back; r1, r2 = rounds)\n");
  // get_card's first: those are the timelines the doc shows
  const entries = Object.entries(rounds).sort(([a], [b]) => Number(!a.startsWith("get_card")) - Number(!b.startsWith("get_card")));
  for (const [what, r] of entries) {
    if (!r.timeline) continue;
    console.log(`${what}: ${r.rounds} round(s), the call took ${r.wallMs?.toFixed(1) ?? "?"} ms\n\n\`\`\`\n${r.timeline}\n\`\`\`\n`);
  }
}
