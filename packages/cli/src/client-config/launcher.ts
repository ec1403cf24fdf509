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

/**
 * True when this CLI runs from an npm-installed package (global install, a project's
 * node_modules or npx's `_npx` cache). From a source checkout it is not, and
 * `npx nodedc-tasker@<version>` would fetch whatever the registry has under that name.
 */
export function isInstalledPackagePath(scriptPath: string): boolean {
  const parts = scriptPath.split(/[\\/]+/);
  return parts.includes("node_modules") || parts.includes("_npx");
}

export function resolveLauncher(options: {
  choice: LauncherChoice;
  scriptPath: string;
  nodePath: string;
  profileArgs: string[];
  env: Record<string, string>;
}): ServerLaunch {
  const launcher = options.choice === "auto" ? (isInstalledPackagePath(options.scriptPath) ? "npx" : "node") : options.choice;
  if (launcher === "npx") {
    return {
      command: "npx",
      args: ["-y", `${CLI_NAME}@${CLI_VERSION}`, "mcp", ...options.profileArgs],
      env: options.env,
      launcher,
    };
  }
  return {
    command: options.nodePath,
    args: [path.resolve(options.scriptPath), "mcp", ...options.profileArgs],
    env: options.env,
    launcher,
  };
}
