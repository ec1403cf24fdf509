/**
 * `pnpm bench` from a fresh clone (README: `pnpm install` only) must still find
 * `packages/cli/dist/cli.js`: build it with the package's own build (tsup) when it is missing
 * or older than the CLI's or the shared contract's sources.
 */
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { CLI_DIST, PKG, ROOT } from "./paths.ts";

const run = promisify(execFile);

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

export async function ensureCliBuilt(log: (s: string) => void): Promise<void> {
  const sources = Math.max(newestMtime(join(PKG.cli, "src")), newestMtime(join(PKG.shared, "src")));
  if (existsSync(CLI_DIST) && statSync(CLI_DIST).mtimeMs >= sources) return;
  log(`  building the CLI (${existsSync(CLI_DIST) ? "dist older than its sources" : "no dist yet"}): pnpm --filter nodedc-tasker build`);
  await run("pnpm", ["--filter", "nodedc-tasker", "build"], { cwd: ROOT, timeout: 180_000 });
}
