import type { ClientName } from "../config/profiles";

/**
 * The environment each client gives an MCP server it starts. Codex passes only a fixed list
 * plus the entry's `env_vars` and `env` (codex-rs rmcp-client DEFAULT_ENV_VARS); for Claude
 * Code and Cursor we assume the MCP SDK's stdio default list plus the entry's `env`, the
 * strictest they are known to use: a server that starts with this starts with theirs.
 */
const CODEX_UNIX = ["HOME", "LOGNAME", "PATH", "SHELL", "USER", "__CF_USER_TEXT_ENCODING", "LANG", "LC_ALL", "TERM", "TMPDIR", "TZ"];
const CODEX_WINDOWS = [
  "PATH", "PATHEXT", "COMSPEC", "SYSTEMROOT", "SYSTEMDRIVE", "USERNAME", "USERDOMAIN", "USERPROFILE", "HOMEDRIVE", "HOMEPATH",
  "PROGRAMFILES", "PROGRAMFILES(X86)", "PROGRAMW6432", "PROGRAMDATA", "LOCALAPPDATA", "APPDATA", "TEMP", "TMP", "POWERSHELL", "PWSH",
];
const SDK_UNIX = ["HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"];
const SDK_WINDOWS = [
  "APPDATA", "HOMEDRIVE", "HOMEPATH", "LOCALAPPDATA", "PATH", "PROCESSOR_ARCHITECTURE", "SYSTEMDRIVE", "SYSTEMROOT", "TEMP", "USERNAME", "USERPROFILE", "PROGRAMFILES",
];

export function inheritedNames(client: ClientName, platform: NodeJS.Platform): string[] {
  if (client === "codex") return platform === "win32" ? CODEX_WINDOWS : CODEX_UNIX;
  return platform === "win32" ? SDK_WINDOWS : SDK_UNIX;
}

/** The environment `client` would start `entry` with, from the user's environment `parent`. */
export function clientEnvironment(
  client: ClientName,
  entry: { env?: unknown; env_vars?: unknown },
  parent: NodeJS.ProcessEnv,
  platform: NodeJS.Platform,
): Record<string, string> {
  const names = [...inheritedNames(client, platform), ...(client === "codex" && Array.isArray(entry.env_vars) ? entry.env_vars.map(String) : [])];
  const out: Record<string, string> = {};
  // Windows names are case-insensitive (Path vs PATH).
  const lookup = platform === "win32" ? new Map(Object.entries(parent).map(([k, v]) => [k.toUpperCase(), v])) : null;
  for (const name of names) {
    const value = lookup ? lookup.get(name.toUpperCase()) : parent[name];
    if (value !== undefined) out[name] = value;
  }
  if (typeof entry.env === "object" && entry.env !== null) for (const [k, v] of Object.entries(entry.env)) out[k] = String(v);
  return out;
}
