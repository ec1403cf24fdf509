import { realpathSync } from "node:fs";
import path from "node:path";
import { CLI_NAME, CLI_VERSION } from "../version";

export type LauncherChoice = "auto" | "npx" | "node";

/** How a client starts `nodedc-tasker mcp`. */
export interface ServerLaunch {
  command: string;
  args: string[];
  /** Plain (non-secret) environment values the server needs, e.g. NODEDC_TASKER_HOME. */
  env: Record<string, string>;
  launcher: "npx" | "node";
}

/** Where the running CLI really lives, after following every symlink. */
export interface InstallFacts {
  /** "registry": a copy npm/pnpm/npx put in a node_modules (global install, npx cache). */
  kind: "registry" | "checkout";
  realScript: string;
}

function pathApiFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === "win32" ? path.win32 : path.posix;
}

/**
 * A workspace link (`pnpm exec`, `npm link`) runs the bin through node_modules, but its real
 * path is the source checkout: only the real path tells an installed package from a
 * checkout. Writing `npx nodedc-tasker@<version>` for a checkout would make the client fetch
 * whatever the registry holds under that name (a 404 today, someone else's code tomorrow).
 */
export function classifyInstall(scriptPath: string, platform: NodeJS.Platform, realpath: (p: string) => string = realpathSync.native): InstallFacts {
  const resolved = pathApiFor(platform).resolve(scriptPath);
  let realScript = resolved;
  try {
    realScript = realpath(resolved);
  } catch {
    // A script that vanished cannot be followed; judge the path as given.
  }
  // The package's bin (bin/nodedc-tasker.js) only imports dist/cli.js: name the bundle itself.
  const api = pathApiFor(platform);
  if (api.basename(realScript) === `${CLI_NAME}.js` && api.basename(api.dirname(realScript)) === "bin") {
    realScript = api.join(api.dirname(api.dirname(realScript)), "dist", "cli.js");
  }
  const parts = realScript.split(/[\\/]+/);
  return { kind: parts.includes("node_modules") || parts.includes("_npx") ? "registry" : "checkout", realScript };
}

export function resolveLauncher(options: {
  choice: LauncherChoice;
  scriptPath: string;
  nodePath: string;
  platform: NodeJS.Platform;
  profileArgs: string[];
  env: Record<string, string>;
  realpath?: (p: string) => string;
}): ServerLaunch {
  const install = classifyInstall(options.scriptPath, options.platform, options.realpath);
  const launcher = options.choice === "auto" ? (install.kind === "registry" ? "npx" : "node") : options.choice;
  if (launcher === "npx") {
    const npxArgs = ["-y", `${CLI_NAME}@${CLI_VERSION}`, "mcp", ...options.profileArgs];
    // npx is npx.cmd on Windows, which neither Codex (Rust's Command) nor Claude Code or
    // Cursor (Node's spawn without a shell) can execute; cmd.exe can.
    if (options.platform === "win32") return { command: "cmd", args: ["/c", "npx", ...npxArgs], env: options.env, launcher };
    return { command: "npx", args: npxArgs, env: options.env, launcher };
  }
  // node.exe / node is a real executable on every platform: the absolute paths need no shell.
  return {
    command: options.nodePath,
    args: [install.realScript, "mcp", ...options.profileArgs],
    env: options.env,
    launcher,
  };
}
