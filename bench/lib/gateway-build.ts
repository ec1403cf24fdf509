/**
 * The gateway as production runs it: `node dist/main.js` (Dockerfile). When the package has
 * no dist yet, the bench bundles `src/main.ts` the same way (esbuild, the engine of tsup and
 * tsx: sources bundled, npm dependencies external) into packages/gateway/node_modules/.bench/
 * (ignored by git; dependencies resolve from there) with the migrations beside it. Running the
 * TS source under tsx instead costs ~80 MB of RSS more (tsx's loader thread), which is not
 * what a deployment pays.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { PKG, ROOT } from "./paths.ts";

const run = promisify(execFile);
export const BUNDLE_DIR = join(PKG.gateway, "node_modules/.bench");

export interface GatewayEntry {
  /** node arguments after any profiling flags. */
  args: string[];
  label: string;
}

export async function prepareGatewayEntry(log: (s: string) => void): Promise<GatewayEntry | null> {
  const dist = join(PKG.gateway, "dist/main.js");
  if (existsSync(dist)) return { args: [dist], label: "node packages/gateway/dist/main.js" };
  const esbuild = join(ROOT, "node_modules/.bin/esbuild");
  if (!existsSync(esbuild)) return null;
  const pkg = JSON.parse(readFileSync(join(PKG.gateway, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
    .filter((n) => !n.startsWith("@nodedc/"))
    .flatMap((n) => [`--external:${n}`, `--external:${n}/*`]);
  mkdirSync(join(BUNDLE_DIR, "migrations"), { recursive: true });
  const out = join(BUNDLE_DIR, "main.mjs");
  await run(esbuild, [join(PKG.gateway, "src/main.ts"), "--bundle", "--platform=node", "--format=esm", "--target=node20", ...external, `--outfile=${out}`, "--log-level=error"], {
    cwd: PKG.gateway,
    timeout: 60_000,
  });
  cpSync(join(PKG.gateway, "src/db/migrations"), join(BUNDLE_DIR, "migrations"), { recursive: true });
  log(`  gateway bundled for the bench: ${out}`);
  return { args: [out], label: "esbuild bundle of packages/gateway/src/main.ts (as a tsup build would run it)" };
}
