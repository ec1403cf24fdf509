import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** Absolute paths of the monorepo, independent of the current directory. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const PKG = {
  sandbox: join(ROOT, "packages/tasker-sandbox"),
  gateway: join(ROOT, "packages/gateway"),
  cli: join(ROOT, "packages/cli"),
  shared: join(ROOT, "packages/shared"),
};
export const CLI_DIST = join(PKG.cli, "dist/cli.js");
export const TSX_LOADER = createRequire(join(ROOT, "package.json")).resolve("tsx");

/**
 * Resolves `specifier` as the workspace package at `fromDir` would (the bench lives at the
 * root, which does not depend on the SDK or on `postgres`), preferring the ESM build.
 */
export function resolveFrom(fromDir: string, specifier: string): string {
  const path = createRequire(join(fromDir, "package.json")).resolve(specifier);
  const esm = path.replace(`${"/dist/cjs/"}`, "/dist/esm/");
  return esm !== path && existsSync(esm) ? esm : path;
}

export async function importFrom<T>(fromDir: string, specifier: string): Promise<T> {
  return (await import(pathToFileURL(resolveFrom(fromDir, specifier)).href)) as T;
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}
