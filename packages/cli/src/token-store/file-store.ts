import { promises as fs } from "node:fs";
import path from "node:path";
import { readTextIfExists, writeFileAtomic } from "../config/atomic-file";
import { CliError } from "../errors";

/**
 * The fallback: `credentials.json` (mode 0600) in the config dir, keyed by keychain account.
 * Only used with a loud warning, or when asked for with --storage file.
 */
export function credentialsPath(configDir: string): string {
  return path.join(configDir, "credentials.json");
}

async function readAll(configDir: string): Promise<Record<string, string>> {
  const file = credentialsPath(configDir);
  const text = await readTextIfExists(file);
  if (text === null) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
    return parsed as Record<string, string>;
  } catch {
    throw new CliError(`${file} is corrupt.`, { code: "config_corrupt", hint: `Delete ${file} and pair again.` });
  }
}

export async function readFileToken(configDir: string, account: string): Promise<string | null> {
  const value = (await readAll(configDir))[account];
  return typeof value === "string" ? value : null;
}

export async function writeFileToken(configDir: string, account: string, token: string): Promise<string> {
  const all = await readAll(configDir);
  all[account] = token;
  await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
  const file = credentialsPath(configDir);
  await writeFileAtomic(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  return file;
}

export async function deleteFileToken(configDir: string, account: string): Promise<boolean> {
  const all = await readAll(configDir);
  if (!(account in all)) return false;
  delete all[account];
  const file = credentialsPath(configDir);
  if (Object.keys(all).length === 0) await fs.rm(file, { force: true });
  else await writeFileAtomic(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  return true;
}
