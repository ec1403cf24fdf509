import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createDeps, type Deps } from "../factory";
import { runCli } from "../program";
import type { Keychain } from "../token-store/keychain";
import { createMemoryKeychain } from "../token-store/memory-keychain";

export const CLI_PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const BUILT_CLI = path.join(CLI_PACKAGE_DIR, "dist", "cli.js");
export const CODEX_BIN = path.join(CLI_PACKAGE_DIR, "node_modules", ".bin", "codex");

export interface TestCli {
  deps: Deps;
  home: string;
  configDir: string;
  codexHome: string;
  stdout: () => string;
  stderr: () => string;
  keychain: Keychain;
  /** Runs argv in-process; returns the exit code. */
  run: (...argv: string[]) => Promise<number>;
}

/** An in-process CLI with its own HOME, config dir, CODEX_HOME, captured streams and keychain. */
export async function createTestCli(options: { env?: NodeJS.ProcessEnv; keychain?: Keychain; scriptPath?: string } = {}): Promise<TestCli> {
  const home = await mkdtemp(path.join(os.tmpdir(), "nodedc-cli-home-"));
  const configDir = path.join(home, "state");
  const codexHome = path.join(home, ".codex");
  let out = "";
  let err = "";
  const keychain = options.keychain ?? createMemoryKeychain();
  const env: NodeJS.ProcessEnv = {
    PATH: "/usr/bin:/bin",
    HOME: home,
    NODEDC_TASKER_HOME: configDir,
    CODEX_HOME: codexHome,
    NO_COLOR: "1",
    ...options.env,
  };
  const deps = createDeps({
    env,
    platform: "linux",
    homedir: home,
    hostname: "test-laptop",
    streams: { stdout: { write: (c: string) => (out += c) }, stderr: { write: (c: string) => (err += c), isTTY: false } },
    scriptPath: options.scriptPath ?? BUILT_CLI,
    nodePath: process.execPath,
    keychain,
  });
  return {
    deps,
    home,
    configDir,
    codexHome,
    stdout: () => out,
    stderr: () => err,
    keychain,
    run: (...argv) =>
      runCli(argv, deps, () => {
        throw new Error("mcp is tested over a real child process");
      }),
  };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds dist/cli.js with tsup when it is missing or older than the sources. */
export function ensureBuiltCli(): string {
  const sources = Math.max(newestMtime(path.join(CLI_PACKAGE_DIR, "src")), newestMtime(path.join(CLI_PACKAGE_DIR, "..", "shared", "src")));
  if (existsSync(BUILT_CLI) && statSync(BUILT_CLI).mtimeMs >= sources) return BUILT_CLI;
  const tsup = path.resolve(CLI_PACKAGE_DIR, "..", "..", "node_modules", ".bin", "tsup");
  const result = spawnSync(tsup, [], { cwd: CLI_PACKAGE_DIR, encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0) throw new Error(`tsup failed: ${result.stderr}${result.stdout}`);
  return BUILT_CLI;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
