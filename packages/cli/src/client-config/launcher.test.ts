import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { CLI_VERSION } from "../version";
import { upsertCodexServer } from "./codex";
import { jsonEntryFor } from "./json-config";
import { classifyInstall, resolveLauncher, type ServerLaunch } from "./launcher";

const PIN = `nodedc-tasker@${CLI_VERSION}`;
const identity = (p: string) => p;

describe("install detection (real paths)", () => {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), "launcher-")));
  const checkoutScript = path.join(root, "src", "nodedc-tasker", "packages", "cli", "dist", "cli.js");
  mkdirSync(path.dirname(checkoutScript), { recursive: true });
  writeFileSync(checkoutScript, "");
  mkdirSync(path.join(root, "src", "nodedc-tasker", "packages", "cli", "bin"));
  writeFileSync(path.join(root, "src", "nodedc-tasker", "packages", "cli", "bin", "nodedc-tasker.js"), "");
  // What `pnpm install` makes of a workspace package: node_modules/nodedc-tasker → the checkout.
  mkdirSync(path.join(root, "src", "nodedc-tasker", "node_modules", ".bin"), { recursive: true });
  symlinkSync(path.join(root, "src", "nodedc-tasker", "packages", "cli"), path.join(root, "src", "nodedc-tasker", "node_modules", "nodedc-tasker"));
  // A registry copy (global install) and the bin symlink npm puts on PATH for it.
  const globalScript = path.join(root, "usr", "lib", "node_modules", "nodedc-tasker", "dist", "cli.js");
  mkdirSync(path.dirname(globalScript), { recursive: true });
  writeFileSync(globalScript, "");
  mkdirSync(path.join(root, "usr", "bin"), { recursive: true });
  symlinkSync(globalScript, path.join(root, "usr", "bin", "nodedc-tasker"));

  it("a workspace link (pnpm exec runs node_modules/.bin/../nodedc-tasker/bin/…) is the checkout, written as its real dist/cli.js", () => {
    const viaPnpmExec = path.join(root, "src", "nodedc-tasker", "node_modules", ".bin", "..", "nodedc-tasker", "bin", "nodedc-tasker.js");
    expect(classifyInstall(viaPnpmExec, "linux")).toEqual({ kind: "checkout", realScript: checkoutScript });
    expect(resolveLauncher({ choice: "auto", scriptPath: viaPnpmExec, nodePath: "/usr/bin/node", platform: "linux", profileArgs: [], env: {} })).toEqual({
      command: "/usr/bin/node",
      args: [checkoutScript, "mcp"],
      env: {},
      launcher: "node",
    });
  });

  it("a registry copy is the registry, also when reached through the bin symlink on PATH", () => {
    expect(classifyInstall(globalScript, "linux").kind).toBe("registry");
    expect(classifyInstall(path.join(root, "usr", "bin", "nodedc-tasker"), "linux")).toEqual({ kind: "registry", realScript: globalScript });
  });

  it("npx's cache is the registry, on every platform", () => {
    expect(classifyInstall("/home/a/.npm/_npx/1a2b/node_modules/nodedc-tasker/dist/cli.js", "linux", identity).kind).toBe("registry");
    expect(classifyInstall("C:\\Users\\a\\AppData\\Local\\npm-cache\\_npx\\x\\node_modules\\nodedc-tasker\\dist\\cli.js", "win32", identity).kind).toBe("registry");
    expect(classifyInstall("C:\\src\\nodedc-tasker\\packages\\cli\\dist\\cli.js", "win32", identity).kind).toBe("checkout");
  });
});

/** The entry each client would read, as the writers render it. */
function entries(launch: ServerLaunch, platform: NodeJS.Platform) {
  const toml = parse(upsertCodexServer("", "config.toml", "nodedc-tasker", launch, platform)) as { mcp_servers: Record<string, { command: string; args: string[] }> };
  const codex = toml.mcp_servers["nodedc-tasker"]!;
  return { codex: { command: codex.command, args: codex.args }, claude: jsonEntryFor(launch, true), cursor: jsonEntryFor(launch, false) };
}

describe("per-platform launchers for Codex, Claude Code and Cursor", () => {
  const cases = [
    { platform: "linux", node: "/usr/bin/node", registry: "/usr/lib/node_modules/nodedc-tasker/dist/cli.js", checkout: "/home/a/src/nodedc-tasker/packages/cli/dist/cli.js" },
    { platform: "darwin", node: "/opt/homebrew/bin/node", registry: "/opt/homebrew/lib/node_modules/nodedc-tasker/dist/cli.js", checkout: "/Users/a/src/nodedc-tasker/packages/cli/dist/cli.js" },
    { platform: "win32", node: "C:\\Program Files\\nodejs\\node.exe", registry: "C:\\Users\\a\\AppData\\Roaming\\npm\\node_modules\\nodedc-tasker\\dist\\cli.js", checkout: "C:\\src\\nodedc-tasker\\packages\\cli\\dist\\cli.js" },
  ] as const;

  it.each(cases)("$platform: registry install → a command the client can spawn without a shell", ({ platform, node, registry }) => {
    const launch = resolveLauncher({ choice: "auto", scriptPath: registry, nodePath: node, platform, profileArgs: [], env: {}, realpath: identity });
    const expected = platform === "win32" ? { command: "cmd", args: ["/c", "npx", "-y", PIN, "mcp"] } : { command: "npx", args: ["-y", PIN, "mcp"] };
    const written = entries(launch, platform);
    expect(written.codex).toEqual(expected);
    expect(written.claude).toEqual({ type: "stdio", ...expected });
    expect(written.cursor).toEqual(expected);
  });

  it.each(cases)("$platform: checkout → node with the absolute script, for every client", ({ platform, node, checkout }) => {
    const launch = resolveLauncher({ choice: "auto", scriptPath: checkout, nodePath: node, platform, profileArgs: ["--profile", "work"], env: {}, realpath: identity });
    const expected = { command: node, args: [checkout, "mcp", "--profile", "work"] };
    const written = entries(launch, platform);
    expect(written.codex).toEqual(expected);
    expect(written.claude).toEqual({ type: "stdio", ...expected });
    expect(written.cursor).toEqual(expected);
  });

  it("an explicit --launcher wins over detection, with the profile appended", () => {
    const launch = resolveLauncher({ choice: "npx", scriptPath: "/src/cli.js", nodePath: "/n", platform: "linux", profileArgs: ["--profile", "work"], env: {}, realpath: identity });
    expect(launch.args).toEqual(["-y", PIN, "mcp", "--profile", "work"]);
    const node = resolveLauncher({ choice: "node", scriptPath: "/x/node_modules/nodedc-tasker/dist/cli.js", nodePath: "/n", platform: "linux", profileArgs: [], env: {}, realpath: identity });
    expect(node).toMatchObject({ command: "/n", args: ["/x/node_modules/nodedc-tasker/dist/cli.js", "mcp"], launcher: "node" });
  });
});
