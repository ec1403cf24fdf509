import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { CliError } from "../errors";

/** The file's text, or null when it does not exist. */
export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * Writes through a temp file + rename in the same directory, so a crash never leaves half a
 * file. A symlinked target (dotfile managers) is written where the link points, keeping the
 * link. The previous mode is kept unless `mode` is given.
 */
export async function writeFileAtomic(file: string, content: string, options: { mode?: number } = {}): Promise<void> {
  let target = file;
  try {
    target = await fs.realpath(file);
  } catch {
    // does not exist yet: write the path as given
  }
  const dir = path.dirname(target);
  let mode = options.mode;
  if (mode === undefined) {
    try {
      mode = (await fs.stat(target)).mode & 0o777;
    } catch {
      mode = 0o644;
    }
  }
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    await fs.writeFile(temp, content, { mode, flag: "wx" });
    try {
      await fs.chmod(temp, mode); // umask may have narrowed it
      await fs.rename(temp, target);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  } catch (error) {
    throw unwritable(target, error);
  }
}

export function unwritable(target: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EACCES" || code === "EPERM" || code === "EROFS" || code === "ENOTDIR" || code === "EEXIST") {
    return new CliError(`Cannot write ${target} (${code}).`, {
      code: "unwritable",
      hint: `Check the permissions of ${path.dirname(target)}, or point NODEDC_TASKER_HOME / CODEX_HOME at a writable directory.`,
      cause: error,
    });
  }
  return new CliError(`Cannot write ${target}: ${(error as Error).message}`, { code: "unwritable", cause: error });
}
