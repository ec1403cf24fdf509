/**
 * `node --import tsx bench/cpuprofile-summary.ts <file.cpuprofile> [skipMs]`: where a
 * `--cpu-prof` profile spent its time, by package / gateway source function (self and
 * inclusive), skipping the first `skipMs` (start-up and module loading).
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, skipArg] = process.argv.slice(2);
if (!file) {
  console.error("usage: bench/cpuprofile-summary.ts <file.cpuprofile> [skipMs]");
  process.exit(2);
}
const skipMs = Number(skipArg ?? 0);
const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
const nodes = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

function label(id: number): string {
  const cf = nodes.get(id)!.callFrame;
  const url = cf.url;
  if (url.includes("node_modules/.bench/")) return `src gateway bundle:${cf.functionName || "(anon)"}`;
  if (url.includes("node_modules/")) {
    const rest = url.split("node_modules/").pop()!;
    const parts = rest.split("/");
    return `pkg ${parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]}`;
  }
  if (url.includes("/packages/")) return `src ${url.split("/packages/").pop()}:${cf.functionName || "(anon)"}`;
  return `${cf.functionName || "(anon)"}${url ? ` ${url.replace(/^node:/, "")}` : ""}`;
}

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let t = 0;
let total = 0;
let idle = 0;
p.samples.forEach((id, i) => {
  const d = p.timeDeltas[i]! / 1000;
  t += d;
  if (t < skipMs) return;
  total += d;
  const l = label(id);
  if (l.startsWith("(idle)")) {
    idle += d;
    return;
  }
  self.set(l, (self.get(l) ?? 0) + d);
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const x = label(n);
    if (seen.has(x)) continue;
    seen.add(x);
    inclusive.set(x, (inclusive.get(x) ?? 0) + d);
  }
});
const busy = total - idle;
const top = (m: Map<string, number>, k: number, filter: (s: string) => boolean = () => true) =>
  [...m.entries()]
    .filter(([s]) => filter(s))
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([s, v]) => `  ${v.toFixed(0).padStart(7)} ms ${((100 * v) / busy).toFixed(1).padStart(5)} %  ${s.slice(0, 130)}`)
    .join("\n");
console.log(`${file}: ${total.toFixed(0)} ms after the first ${skipMs} ms, ${busy.toFixed(0)} ms busy (${((100 * busy) / total).toFixed(0)} %)`);
console.log(`self time (share of busy):\n${top(self, 20)}`);
console.log(`inclusive, packages and our sources:\n${top(inclusive, 30, (s) => s.startsWith("pkg ") || s.startsWith("src "))}`);
