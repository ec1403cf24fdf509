/**
 * The gateway as production runs it: `node dist/main.js` (Dockerfile). When the package has
 * no dist yet, the bench bundles `src/main.ts` the same way (esbuild, the engine of tsup and
 * tsx: sources bundled, npm dependencies external) into packages/gateway/node_modules/.bench/
 * (ignored by git; dependencies resolve from there) with the migrations and console assets beside it. Running the
 * TS source under tsx instead costs ~80 MB of RSS more (tsx's loader thread), which is not
 * what a deployment pays.
 */
import { cpSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PKG, ROOT } from "./paths.ts";
export const BUNDLE_DIR = join(PKG.gateway, "node_modules/.bench");

export interface GatewayEntry {
  /** node arguments after any profiling flags. */
  args: string[];
  label: string;
}

export async function prepareGatewayEntry(log: (s: string) => void): Promise<GatewayEntry | null> {
  const dist = join(PKG.gateway, "dist/main.js");
  if (existsSync(dist)) return { args: [dist], label: "node packages/gateway/dist/main.js" };
  // esbuild is not a root dependency: take the one tsx (a root devDependency) brings.
  const fromTsx = createRequire(createRequire(join(ROOT, "package.json")).resolve("tsx/package.json"));
  const esbuild = fromTsx("esbuild") as { build(opts: Record<string, unknown>): Promise<unknown> };
  const pkg = JSON.parse(readFileSync(join(PKG.gateway, "package.json"), "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  const external = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
    .filter((n) => !n.startsWith("@nodedc/"))
    .flatMap((n) => [n, `${n}/*`]);
  mkdirSync(join(BUNDLE_DIR, "migrations"), { recursive: true });
  const out = join(BUNDLE_DIR, "main.mjs");
  await esbuild.build({
    entryPoints: [join(PKG.gateway, "src/main.ts")],
    absWorkingDir: PKG.gateway,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    external,
    outfile: out,
    logLevel: "error",
  });
  cpSync(join(PKG.gateway, "src/db/migrations"), join(BUNDLE_DIR, "migrations"), { recursive: true });
  // as tsup.config.ts does: the console reads its script and stylesheet from ./assets/ next to the module
  cpSync(join(PKG.gateway, "src/console/assets"), join(BUNDLE_DIR, "assets"), { recursive: true });
  log(`  gateway bundled for the bench: ${out}`);
  return { args: [out], label: "esbuild bundle of packages/gateway/src/main.ts (as a tsup build would run it)" };
}
