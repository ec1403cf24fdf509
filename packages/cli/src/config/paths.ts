import path from "node:path";

export interface PlatformInfo {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  homedir: string;
}

export const APP_DIR_NAME = "nodedc-tasker";

/**
 * Where state lives (profiles, the token file fallback, the tool cache): `NODEDC_TASKER_HOME`,
 * else the platform's config path.
 */
export function resolveConfigDir({ env, platform, homedir }: PlatformInfo): string {
  const pathApi = platform === "win32" ? path.win32 : path.posix;
  if (env.NODEDC_TASKER_HOME) return pathApi.resolve(env.NODEDC_TASKER_HOME);
  if (platform === "darwin") return pathApi.join(homedir, "Library", "Application Support", APP_DIR_NAME);
  if (platform === "win32") {
    return pathApi.join(env.APPDATA || pathApi.join(homedir, "AppData", "Roaming"), APP_DIR_NAME);
  }
  const xdg = env.XDG_CONFIG_HOME && pathApi.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : pathApi.join(homedir, ".config");
  return pathApi.join(xdg, APP_DIR_NAME);
}

/**
 * True when a process that only inherits HOME (Codex strips the environment of MCP servers)
 * would resolve another config dir, so the generated client config must name it explicitly.
 */
export function configDirNeedsExplicitEnv(info: PlatformInfo): boolean {
  const bare: PlatformInfo = { ...info, env: info.platform === "win32" ? { APPDATA: info.env.APPDATA } : {} };
  return resolveConfigDir(info) !== resolveConfigDir(bare);
}

export function codexHome({ env, homedir, platform }: PlatformInfo): string {
  const pathApi = platform === "win32" ? path.win32 : path.posix;
  return env.CODEX_HOME ? pathApi.resolve(env.CODEX_HOME) : pathApi.join(homedir, ".codex");
}

export function claudeJsonPath({ homedir, platform }: PlatformInfo): string {
  return (platform === "win32" ? path.win32 : path.posix).join(homedir, ".claude.json");
}

export function cursorJsonPath({ homedir, platform }: PlatformInfo): string {
  return (platform === "win32" ? path.win32 : path.posix).join(homedir, ".cursor", "mcp.json");
}
