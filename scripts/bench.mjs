#!/usr/bin/env node
// `pnpm bench [--smoke] [--only=package,node-floor,sandbox,direct,peer,gateway,rounds,micro,scale,sealing]`:
// runs the TypeScript harness in bench/ under tsx and passes its exit code through.
// The table goes to stdout, progress to stderr, JSON to bench-results/<timestamp>.json.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsx = createRequire(join(root, "package.json")).resolve("tsx");
const child = spawn(process.execPath, ["--import", tsx, join(root, "bench/run.ts"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
