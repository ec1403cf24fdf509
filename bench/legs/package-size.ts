/** Packed size of the published CLI (`npm pack --dry-run --json`) and its runtime dependency count. */
import { execFile } from "node:child_process";
import { readFileSync, realpathSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { Bench } from "../lib/context.ts";
import { CLI_DIST, PKG } from "../lib/paths.ts";
import { TARGETS } from "../lib/targets.ts";

const run = promisify(execFile);
const S = "CLI package";

/** Finds `<name>/package.json` the way Node resolution would from `fromDir` (pnpm layout included). */
function findPackageDir(fromDir: string, name: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, "node_modules", name, "package.json");
    if (existsSync(candidate)) return dirname(realpathSync(candidate));
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/** Transitive runtime dependencies (dependencies + optional installed ones) of a package dir. */
export function runtimeDependencies(pkgDir: string): { direct: string[]; transitive: string[] } {
  const read = (d: string) => JSON.parse(readFileSync(join(d, "package.json"), "utf8")) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  const root = read(pkgDir);
  const direct = Object.keys(root.dependencies ?? {});
  const seen = new Map<string, string>();
  const visit = (dir: string, names: string[]) => {
    for (const n of names) {
      const d = findPackageDir(dir, n);
      if (!d || seen.has(`${n}@${d}`)) continue;
      seen.set(`${n}@${d}`, n);
      const p = read(d);
      visit(d, [...Object.keys(p.dependencies ?? {}), ...Object.keys(p.optionalDependencies ?? {})]);
    }
  };
  visit(pkgDir, [...direct, ...Object.keys(root.optionalDependencies ?? {})]);
  return { direct, transitive: [...new Set(seen.values())].sort() };
}

export async function measurePackage(b: Bench): Promise<void> {
  if (!existsSync(CLI_DIST)) {
    b.results.na(S, "packed size of nodedc-tasker", "n/a: packages/cli/dist/cli.js not built (cd packages/cli && npx tsup)", { target: TARGETS.cliPacked });
    return;
  }
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PKG.cli, timeout: 60_000 });
  const info = (JSON.parse(stdout) as Array<{ size: number; unpackedSize: number; entryCount: number; files: Array<{ path: string; size: number }> }>)[0]!;
  const deps = runtimeDependencies(PKG.cli);
  b.results.add(S, "packed size of nodedc-tasker", info.size / 1000, "kB", {
    target: TARGETS.cliPacked,
    note: `${info.entryCount} files, ${(info.unpackedSize / 1000).toFixed(0)} kB unpacked`,
  });
  b.results.add(S, "runtime dependencies (direct)", deps.direct.length, "", { note: deps.direct.join(", ") || "none" });
  b.results.add(S, "runtime dependencies (transitive, installed here)", deps.transitive.length, "", { note: deps.transitive.join(", ") || "none" });
  b.results.keep("cliPackage", { ...info, files: info.files.map((f) => `${f.path} ${f.size}`), deps });
}
