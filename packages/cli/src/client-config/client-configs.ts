import { codexHome, claudeJsonPath, configDirNeedsExplicitEnv, cursorJsonPath, type PlatformInfo } from "../config/paths";
import { DEFAULT_PROFILE, type ClientName, type Profile } from "../config/profiles";
import { CliError } from "../errors";
import { removeClaudeConfig, writeClaudeConfig } from "./claude";
import { parseTomlOrExplain, removeCodexConfig, writeCodexConfig, type FileChange } from "./codex";
import { removeCursorConfig, writeCursorConfig } from "./cursor";
import { resolveLauncher, type LauncherChoice, type ServerLaunch } from "./launcher";
import { readTextIfExists } from "../config/atomic-file";
import path from "node:path";

export const CLIENT_NAMES = ["codex", "claude", "cursor"] as const;

export function codexConfigPath(info: PlatformInfo): string {
  return path.join(codexHome(info), "config.toml");
}

export function launchFor(
  info: PlatformInfo & { configDir: string; scriptPath: string; nodePath: string },
  profile: string,
  choice: LauncherChoice,
): ServerLaunch {
  return resolveLauncher({
    choice,
    scriptPath: info.scriptPath,
    nodePath: info.nodePath,
    platform: info.platform,
    profileArgs: profile === DEFAULT_PROFILE ? [] : ["--profile", profile],
    env: configDirNeedsExplicitEnv(info) ? { NODEDC_TASKER_HOME: info.configDir } : {},
  });
}

/** Refuses early (before a pairing code is spent) when a config we would edit is corrupt. */
export async function preflightClientConfigs(info: PlatformInfo, clients: ClientName[]): Promise<void> {
  if (clients.includes("codex")) {
    const file = codexConfigPath(info);
    const text = await readTextIfExists(file);
    if (text !== null) parseTomlOrExplain(text, file);
  }
  for (const [client, file] of [
    ["claude", claudeJsonPath(info)],
    ["cursor", cursorJsonPath(info)],
  ] as const) {
    if (!clients.includes(client)) continue;
    const text = await readTextIfExists(file);
    if (text === null || text.trim() === "") continue;
    try {
      JSON.parse(text);
    } catch (error) {
      throw new CliError(`${file} is not valid JSON (${(error as Error).message}); it was left untouched.`, {
        code: "client_config_corrupt",
        hint: `Fix ${file}, or pass --client none and add the server by hand.`,
      });
    }
  }
}

export interface ClientWrite {
  client: ClientName;
  path: string;
  change: FileChange;
  method?: "file" | "claude-cli";
}

export async function writeClientConfig(
  info: PlatformInfo,
  client: ClientName,
  serverName: string,
  launch: ServerLaunch,
): Promise<ClientWrite> {
  if (client === "codex") {
    const file = codexConfigPath(info);
    return { client, path: file, change: await writeCodexConfig(file, serverName, launch, info.platform) };
  }
  if (client === "cursor") {
    const file = cursorJsonPath(info);
    return { client, path: file, change: await writeCursorConfig(file, serverName, launch) };
  }
  const result = await writeClaudeConfig({ env: info.env, platform: info.platform, jsonPath: claudeJsonPath(info) }, serverName, launch);
  return { client, path: result.where, change: result.change, method: result.method };
}

export async function removeClientConfig(
  info: PlatformInfo,
  client: ClientName,
  record: NonNullable<Profile["clients"][ClientName]>,
): Promise<ClientWrite> {
  if (client === "codex") return { client, path: record.path, change: await removeCodexConfig(record.path, record.server_name) };
  if (client === "cursor") return { client, path: record.path, change: await removeCursorConfig(record.path, record.server_name) };
  const change = await removeClaudeConfig({ env: info.env, platform: info.platform, jsonPath: claudeJsonPath(info) }, record.server_name, record.method);
  return { client, path: record.path, change };
}
