import { promises as fs } from "node:fs";
import path from "node:path";
import { CliError } from "../errors";

/**
 * Rotation is serialised per profile on this machine (two Codex windows start two `mcp`
 * processes of one profile): a lock next to the config, `rotate-<profile>.lock`.
 * proper-lockfile (4.1.2, pinned) takes it with an atomic mkdir, keeps its mtime fresh
 * while held and treats a lock older than `stale` as left by a crashed process, so a killed
 * rotation never locks the profile out. Chosen over a hand-written O_EXCL lock for that
 * stale detection, which works the same on every platform and on network home directories.
 * Loaded on first use: `mcp` starts without it.
 */
const STALE_MS = 10_000;

export function rotationLockPath(configDir: string, profile: string): string {
  return path.join(configDir, `rotate-${profile}.lock`);
}

/** Runs `fn` holding the profile's rotation lock, waiting up to `waitMs` for another holder. */
export async function withRotationLock<T>(configDir: string, profile: string, fn: () => Promise<T>, waitMs = 30_000): Promise<T> {
  await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
  const target = rotationLockPath(configDir, profile);
  const { default: lockfile } = await import("proper-lockfile");
  let release: () => Promise<void>;
  try {
    // proper-lockfile keys its in-process registry by this path: one per profile
    release = await lockfile.lock(target.slice(0, -".lock".length), {
      realpath: false,
      stale: STALE_MS,
      retries: { retries: Math.max(1, Math.ceil(waitMs / 250)), factor: 1, minTimeout: 250, maxTimeout: 250 },
    });
  } catch (error) {
    throw new CliError(`Another nodedc-tasker process is rotating the token of profile "${profile}" (${(error as Error).message}).`, {
      code: "rotation_locked",
      hint: `Retry in a minute; if it persists, delete ${target}.`,
    });
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
