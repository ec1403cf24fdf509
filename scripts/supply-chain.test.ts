import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Supply chain (docs/THREAT_MODEL.md): the shipped packages pin exact versions, no package of
 * ours has an install hook, the lockfile is committed and CI installs from it frozen, and
 * dependency build scripts run only for the reviewed allowlist.
 */
const root = fileURLToPath(new URL("../", import.meta.url));
const read = (p: string) => readFileSync(`${root}${p}`, "utf8");
const PACKAGES = ["packages/shared", "packages/gateway", "packages/cli", "packages/tasker-sandbox"];
/** The items of a top-level list in pnpm-workspace.yaml (up to the next top-level key). */
function workspaceList(key: string): string[] {
  const after = read("pnpm-workspace.yaml").split(new RegExp(`^${key}:\\s*$`, "m"))[1] ?? "";
  const block = after.split(/^\S/m)[0] ?? "";
  return [...block.matchAll(/^\s+-\s+'?([^'\s]+)'?\s*$/gm)].map((m) => m[1]!);
}
const INSTALL_HOOKS = ["preinstall", "install", "postinstall", "prepare", "prepublish"];

describe("supply chain", () => {
  it.each(PACKAGES)("%s pins every dependency to an exact version and has no install hook", (dir) => {
    const pkg = JSON.parse(read(`${dir}/package.json`)) as Record<string, Record<string, string> | undefined>;
    for (const field of ["dependencies", "optionalDependencies", "peerDependencies"]) {
      for (const [name, version] of Object.entries(pkg[field] ?? {})) {
        expect(`${name}@${version}`).toMatch(/@(\d+\.\d+\.\d+(-[\w.]+)?|workspace:\*)$/);
      }
    }
    for (const hook of INSTALL_HOOKS) expect(pkg.scripts?.[hook], `${dir} scripts.${hook}`).toBeUndefined();
  });

  it("the root has no install hook, the lockfile is committed and CI installs it frozen", () => {
    const pkg = JSON.parse(read("package.json")) as { scripts?: Record<string, string> };
    for (const hook of INSTALL_HOOKS) expect(pkg.scripts?.[hook], `scripts.${hook}`).toBeUndefined();
    expect(existsSync(`${root}pnpm-lock.yaml`)).toBe(true);
    expect(read(".ci/run")).toMatch(/pnpm install --frozen-lockfile/);
  });

  it("only the reviewed dependencies may run build scripts", () => {
    expect(workspaceList("onlyBuiltDependencies").sort()).toEqual(["@openai/codex", "esbuild"]);
  });

  it("the one other dependency with a build script (install telemetry) is ignored on purpose, so install asks nothing", () => {
    expect(workspaceList("ignoredBuiltDependencies")).toEqual(["@scarf/scarf"]);
  });
});
