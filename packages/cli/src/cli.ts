#!/usr/bin/env node
/**
 * Entry point. `mcp` is started by Codex on every session, so it takes a fast path that
 * answers `initialize` before evaluating anything heavy (esbuild keeps dynamically imported
 * modules lazy inside the single bundle); everything else goes through the full program.
 */
const argv = process.argv.slice(2);

if (argv[0] === "mcp" && !argv.includes("--help") && !argv.includes("-h")) {
  const { startMcp } = await import("./mcp/early-start");
  await startMcp(argv.slice(1));
} else {
  const [{ createDeps }, { runCli }] = await Promise.all([import("./factory"), import("./program")]);
  const code = await runCli(argv, createDeps(), () => {
    throw new Error("mcp runs through the fast path");
  });
  process.exitCode = code;
  // Pending keychain work must not keep a finished command alive.
  setImmediate(() => process.exit(code)).unref();
}
export {};
