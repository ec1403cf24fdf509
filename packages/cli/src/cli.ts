#!/usr/bin/env node
/**
 * Entry point. `mcp` is started by Codex on every session, so it takes a fast path that
 * never evaluates commander or the other commands (esbuild keeps dynamically imported
 * modules lazy inside the single bundle); everything else goes through the full program.
 */
import { createDeps } from "./factory";

const argv = process.argv.slice(2);
const deps = createDeps();

if (argv[0] === "mcp" && !argv.includes("--help") && !argv.includes("-h")) {
  const { parseArgs } = await import("node:util");
  const { runMcp } = await import("./commands/mcp");
  let profile = "default";
  try {
    profile = parseArgs({ args: argv.slice(1), options: { profile: { type: "string" } }, strict: true }).values.profile ?? "default";
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: nodedc-tasker mcp [--profile <name>]\n`);
    process.exit(2);
  }
  await runMcp({ profile }, deps, {
    stdin: process.stdin,
    stdout: process.stdout,
    exit: (exitCode) => process.exit(exitCode),
    onSignal: (signal, handler) => process.on(signal, handler),
  });
} else {
  const { runCli } = await import("./program");
  const code = await runCli(argv, deps, () => {
    throw new Error("mcp runs through the fast path");
  });
  process.exitCode = code;
  // Pending keychain work must not keep a finished command alive.
  setImmediate(() => process.exit(code)).unref();
}
