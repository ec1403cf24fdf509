#!/usr/bin/env node
// `pnpm start`: builds the CLI (so the printed pair command works from this checkout),
// then runs the gateway's main from the repository root so embedded data lives in ./.data.
// With no configuration that is sandbox mode (DESIGN §11); TASKER_API_URL switches to
// the gateway alone. Signals are forwarded so Ctrl-C stops everything cleanly.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
if (!existsSync(join(root, "node_modules", ".pnpm"))) {
  process.stderr.write("Dependencies are not installed: run `pnpm install` first (see README).\n");
  process.exit(1);
}

if (!process.env.NODEDC_SKIP_BUILD) {
  const build = spawnSync("pnpm", ["-s", "--filter", "nodedc-tasker", "build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (build.status !== 0) {
    process.stderr.write("Building the CLI failed (see above).\n");
    process.exit(build.status ?? 1);
  }
}

const child = spawn(process.execPath, ["--import", "tsx", join(root, "packages/gateway/src/main.ts")], {
  cwd: root,
  stdio: "inherit",
  env: process.env,
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
