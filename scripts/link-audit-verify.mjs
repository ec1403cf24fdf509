// Runs after `pnpm install`. `pnpm audit:verify --json` must print the verifier's JSON and
// nothing else, but pnpm prints a "> … audit:verify" banner on stdout before any package
// script. When no script has that name pnpm falls back to `pnpm exec`, which prints no
// banner, so the command is a bin in the root's node_modules/.bin instead of a script.
// pnpm links no bin whose name needs URL-escaping (the colon), hence this link.
import { chmodSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const binDir = join(root, "node_modules", ".bin");
const target = join(root, "packages", "gateway", "bin", "audit-verify.mjs");

if (process.platform === "win32") {
  // a colon cannot be in a Windows file name: run `node packages/gateway/bin/audit-verify.mjs`
  process.exit(0);
}
mkdirSync(binDir, { recursive: true });
const link = join(binDir, "audit:verify");
rmSync(link, { force: true });
symlinkSync(relative(binDir, target), link);
chmodSync(target, 0o755);
