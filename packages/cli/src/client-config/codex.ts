import { promises as fs } from "node:fs";
import { parse, TomlError } from "smol-toml";
import { readTextIfExists, writeFileAtomic } from "../config/atomic-file";
import { CliError } from "../errors";
import type { ServerLaunch } from "./launcher";
import { removeSections, sectionsUnder, upsertSections } from "./toml-tables";

/** Codex strips the environment of MCP servers; the keychain needs the session bus (DESIGN §10). */
export const LINUX_ENV_VARS = ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"];
export const CODEX_STARTUP_TIMEOUT_SEC = 30;
export const MANAGED_COMMENT = "# Written by `nodedc-tasker pair`; `nodedc-tasker unpair` removes it.";

/** TOML basic string. JSON escapes are valid TOML except that DEL must be escaped too. */
export function tomlString(value: string): string {
  return JSON.stringify(value).replace(/\u007f/g, "\\u007F");
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}

/** Our `[mcp_servers.<name>]` table, in the file's line ending. */
export function renderCodexTable(serverName: string, launch: ServerLaunch, platform: NodeJS.Platform, eol = "\n"): string {
  const lines = [
    `[mcp_servers.${tomlKey(serverName)}]`,
    MANAGED_COMMENT,
    `command = ${tomlString(launch.command)}`,
    `args = [${launch.args.map(tomlString).join(", ")}]`,
    `startup_timeout_sec = ${CODEX_STARTUP_TIMEOUT_SEC}`,
  ];
  if (platform === "linux") lines.push(`env_vars = [${LINUX_ENV_VARS.map(tomlString).join(", ")}]`);
  const envKeys = Object.keys(launch.env).sort();
  if (envKeys.length > 0) {
    lines.push(`env = { ${envKeys.map((k) => `${tomlKey(k)} = ${tomlString(launch.env[k]!)}`).join(", ")} }`);
  }
  return lines.join(eol) + eol;
}

export function parseTomlOrExplain(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    const where = error instanceof TomlError ? ` at line ${error.line}, column ${error.column}` : "";
    const reason = ((error as Error).message.split("\n")[0] ?? "").replace(/^Invalid TOML document: /, "");
    throw new CliError(`${file} is not valid TOML${where} (${reason}); it was left untouched.`, {
      code: "codex_config_corrupt",
      hint: `Fix ${file}${where}, then run the command again (or use --client none and add the server by hand).`,
    });
  }
}

export function hasServer(doc: Record<string, unknown>, serverName: string): boolean {
  const servers = doc.mcp_servers as Record<string, unknown> | undefined;
  return typeof servers === "object" && servers !== null && serverName in servers;
}

/**
 * The new text of a Codex config.toml with our server set. Throws (touching nothing) when
 * the file is not valid TOML, or when our server is defined in a form a table-level edit
 * cannot replace (dotted keys or an inline table).
 */
export function upsertCodexServer(text: string, file: string, serverName: string, launch: ServerLaunch, platform: NodeJS.Platform): string {
  const before = parseTomlOrExplain(text, file);
  const prefix = ["mcp_servers", serverName];
  if (hasServer(before, serverName) && sectionsUnder(text, prefix).length === 0) {
    throw new CliError(`${file} defines mcp_servers.${serverName} with dotted keys or an inline table, which pair does not rewrite.`, {
      code: "codex_config_unsupported",
      hint: `Remove that definition from ${file} and run pair again.`,
    });
  }
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  const next = upsertSections(text, prefix, renderCodexTable(serverName, launch, platform, eol));
  const after = parseTomlOrExplain(next, `${file} (after the edit)`);
  if (!hasServer(after, serverName)) throw new CliError(`Editing ${file} failed: the server table is missing after the edit.`);
  return next;
}

export function removeCodexServer(text: string, file: string, serverName: string): string {
  parseTomlOrExplain(text, file);
  const next = removeSections(text, ["mcp_servers", serverName]);
  parseTomlOrExplain(next, `${file} (after the edit)`);
  return next;
}

export type FileChange = "created" | "updated" | "unchanged" | "removed" | "absent";

/** Writes `next` atomically, keeping `<file>.bak` of the previous content; no write when unchanged. */
export async function commitConfigFile(file: string, previous: string | null, next: string): Promise<FileChange> {
  if (previous === next) return "unchanged";
  if (previous !== null) {
    const mode = (await fs.stat(file).catch(() => null))?.mode;
    await writeFileAtomic(`${file}.bak`, previous, mode === undefined ? {} : { mode: mode & 0o777 });
  }
  await writeFileAtomic(file, next);
  return previous === null ? "created" : "updated";
}

export async function writeCodexConfig(file: string, serverName: string, launch: ServerLaunch, platform: NodeJS.Platform): Promise<FileChange> {
  const previous = await readTextIfExists(file);
  const next = upsertCodexServer(previous ?? "", file, serverName, launch, platform);
  return commitConfigFile(file, previous, next);
}

export async function removeCodexConfig(file: string, serverName: string): Promise<FileChange> {
  const previous = await readTextIfExists(file);
  if (previous === null) return "absent";
  const next = removeCodexServer(previous, file, serverName);
  if (next === previous) return "absent";
  await commitConfigFile(file, previous, next);
  return "removed";
}

/** Our entry as Codex would read it, for doctor/status. */
export async function readCodexServer(file: string, serverName: string): Promise<Record<string, unknown> | null> {
  const text = await readTextIfExists(file);
  if (text === null) return null;
  const doc = parseTomlOrExplain(text, file);
  const servers = doc.mcp_servers as Record<string, Record<string, unknown>> | undefined;
  return servers?.[serverName] ?? null;
}
