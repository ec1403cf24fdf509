import { readTextIfExists } from "../config/atomic-file";
import { CliError } from "../errors";
import { commitConfigFile, type FileChange } from "./codex";
import type { ServerLaunch } from "./launcher";

/**
 * `mcpServers` merges for Claude Code (~/.claude.json) and Cursor (~/.cursor/mcp.json):
 * parse, change only `mcpServers.<name>`, keep every other key and the key order, write
 * atomically with a `.bak`. The file's indentation is detected and kept.
 */
export interface JsonServerEntry {
  type?: "stdio";
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export function jsonEntryFor(launch: ServerLaunch, withType: boolean): JsonServerEntry {
  return {
    ...(withType ? { type: "stdio" as const } : {}),
    command: launch.command,
    args: launch.args,
    ...(Object.keys(launch.env).length > 0 ? { env: launch.env } : {}),
  };
}

function parseJsonObject(text: string, file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message}); it was left untouched.`, {
      code: "client_config_corrupt",
      hint: `Fix ${file}, then run the command again (or use --client none).`,
    });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${file} does not hold a JSON object; it was left untouched.`, { code: "client_config_corrupt" });
  }
  return parsed as Record<string, unknown>;
}

function detectIndent(text: string): string | number {
  const m = /^[{[]\r?\n([ \t]+)\S/.exec(text);
  return m ? m[1]! : 2;
}

function render(doc: Record<string, unknown>, original: string | null): string {
  const indent = original === null ? 2 : detectIndent(original);
  let out = JSON.stringify(doc, null, indent);
  const eol = original?.includes("\r\n") ? "\r\n" : "\n";
  if (eol === "\r\n") out = out.replace(/\n/g, "\r\n");
  return original === null || /\r?\n$/.test(original) ? out + eol : out;
}

export function mergeServer(text: string | null, file: string, name: string, entry: JsonServerEntry): string {
  const doc = text === null || text.trim() === "" ? {} : parseJsonObject(text, file);
  const servers = doc.mcpServers;
  if (servers !== undefined && (typeof servers !== "object" || servers === null || Array.isArray(servers))) {
    throw new CliError(`${file}: "mcpServers" is not an object; it was left untouched.`, { code: "client_config_corrupt" });
  }
  doc.mcpServers = { ...(servers as Record<string, unknown> | undefined), [name]: entry };
  return render(doc, text);
}

export function removeServer(text: string, file: string, name: string): string {
  const doc = parseJsonObject(text, file);
  const servers = doc.mcpServers as Record<string, unknown> | undefined;
  if (!servers || typeof servers !== "object" || !(name in servers)) return text;
  const rest = { ...servers };
  delete rest[name];
  doc.mcpServers = rest;
  return render(doc, text);
}

export async function writeJsonServer(file: string, name: string, entry: JsonServerEntry): Promise<FileChange> {
  const previous = await readTextIfExists(file);
  return commitConfigFile(file, previous, mergeServer(previous, file, name, entry));
}

export async function removeJsonServer(file: string, name: string): Promise<FileChange> {
  const previous = await readTextIfExists(file);
  if (previous === null) return "absent";
  const next = removeServer(previous, file, name);
  if (next === previous) return "absent";
  await commitConfigFile(file, previous, next);
  return "removed";
}

export async function readJsonServer(file: string, name: string): Promise<Record<string, unknown> | null> {
  const text = await readTextIfExists(file);
  if (text === null) return null;
  const servers = parseJsonObject(text, file).mcpServers as Record<string, Record<string, unknown>> | undefined;
  return servers?.[name] ?? null;
}
