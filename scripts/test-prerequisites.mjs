#!/usr/bin/env node
// First step of `pnpm test` (and `pnpm test:journey`): the suite drives real programs — the
// Secret Service (gnome-keyring over a private D-Bus session, checked with secret-tool) and
// a headless Chromium for the owner console. A test must never skip itself because one of
// them is missing, so this either installs them (root with apt-get, as on a fresh CI machine)
// or stops before anything runs with one line naming the packages and the command.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Debian package → the program the suite runs from it (what "installed" means here). */
export const REQUIRED = [
  { pkg: "gnome-keyring", program: "gnome-keyring-daemon" },
  { pkg: "dbus", program: "dbus-run-session" },
  { pkg: "dbus-x11", program: "dbus-launch" },
  { pkg: "libsecret-tools", program: "secret-tool" },
  { pkg: "chromium", program: "chromium" },
];

export const APT_INSTALL = ["apt-get", "install", "-y", "-qq", "--no-install-recommends"];

/**
 * What to do, from facts about this machine (injected so the decision is testable):
 * `missing` are the Debian package names whose program is not on PATH.
 * @param {{ missing: string[], isRoot: boolean, hasAptGet: boolean }} facts
 * @returns {{ action: "ok" } | { action: "install", packages: string[] } | { action: "stop", packages: string[], message: string }}
 */
export function decide({ missing, isRoot, hasAptGet }) {
  if (missing.length === 0) return { action: "ok" };
  const packages = [...missing];
  if (isRoot && hasAptGet) return { action: "install", packages };
  const list = packages.join(" ");
  const how = hasAptGet
    ? `run: sudo apt-get install -y ${list}`
    : `install them with your package manager (on Debian/Ubuntu: sudo apt-get install -y ${list})`;
  return {
    action: "stop",
    packages,
    message: `pnpm test needs these packages for the keychain and browser tests, which are not installed: ${list}; ${how}, then run pnpm test again.`,
  };
}

/** The absolute path of `program` on PATH, or null. */
export function onPath(program, env = process.env) {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    try {
      accessSync(path.join(dir, program), constants.X_OK);
      return path.join(dir, program);
    } catch {
      // keep looking
    }
  }
  return null;
}

/** The facts of this machine. */
export function probe(env = process.env) {
  return {
    missing: REQUIRED.filter((r) => onPath(r.program, env) === null).map((r) => r.pkg),
    isRoot: typeof process.getuid === "function" && process.getuid() === 0,
    hasAptGet: onPath("apt-get", env) !== null,
  };
}

function runQuietly(command, args) {
  const result = spawnSync(command, args, {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  return result.status === 0;
}

/**
 * Checks, installs if it may, re-checks. Returns the exit code.
 * @param {{ probe?: typeof probe, run?: (command: string, args: string[]) => boolean, write?: (line: string) => void }} deps
 */
export function main({ probe: facts = probe, run = runQuietly, write = (line) => process.stderr.write(`${line}\n`) } = {}) {
  const decision = decide(facts());
  if (decision.action === "ok") return 0;
  if (decision.action === "stop") {
    write(decision.message);
    return 1;
  }
  const list = decision.packages.join(" ");
  write(`Installing the Debian packages the tests need: ${list}`);
  const [cmd, ...args] = APT_INSTALL;
  if (!run("apt-get", ["update", "-qq"]) || !run(cmd, [...args, ...decision.packages])) {
    write(`apt-get could not install ${list}; install them by hand (apt-get install -y ${list}), then run pnpm test again.`);
    return 1;
  }
  const still = facts().missing;
  if (still.length > 0) {
    write(`Still missing after apt-get: ${still.join(" ")}; install them by hand, then run pnpm test again.`);
    return 1;
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exit(main());
