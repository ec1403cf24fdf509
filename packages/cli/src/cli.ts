#!/usr/bin/env node
import { createDeps } from "./factory";
import { runCli } from "./program";

const deps = createDeps();
const code = await runCli(process.argv.slice(2), deps, () => ({
  stdin: process.stdin,
  stdout: process.stdout,
  exit: (exitCode) => process.exit(exitCode),
  onSignal: (signal, handler) => process.on(signal, handler),
}));
// `mcp` keeps running on its transport; every other command ends here.
if (process.argv[2] !== "mcp" || code !== 0) process.exitCode = code;
if (process.argv[2] !== "mcp") {
  // Pending keychain work must not keep a finished command alive.
  setImmediate(() => process.exit(code)).unref();
}
