import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { CliError } from "../errors";
import type { FileChange } from "./codex";
import { findExecutable } from "./find-executable";
import { jsonEntryFor, readJsonServer, removeJsonServer, writeJsonServer } from "./json-config";
import type { ServerLaunch } from "./launcher";

const run = promisify(execFile);

export interface ClaudeTarget {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** ~/.claude.json, used when the `claude` CLI is not on PATH. */
  jsonPath: string;
}

export interface ClaudeResult {
  change: FileChange;
  method: "claude-cli" | "file";
  where: string;
}

/** User scope: `claude mcp add --scope user` when Claude Code is installed, else a safe merge of ~/.claude.json. */
export async function writeClaudeConfig(target: ClaudeTarget, name: string, launch: ServerLaunch): Promise<ClaudeResult> {
  const claude = findExecutable("claude", target.env, target.platform);
  if (claude) {
    const envArgs = Object.entries(launch.env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
    await run(claude, ["mcp", "remove", "--scope", "user", name], { env: target.env }).catch(() => undefined);
    try {
      await run(claude, ["mcp", "add", "--scope", "user", ...envArgs, name, "--", launch.command, ...launch.args], { env: target.env });
    } catch (error) {
      throw new CliError(`claude mcp add failed: ${String((error as { stderr?: string }).stderr ?? (error as Error).message).trim()}`, {
        code: "claude_config_failed",
        hint: "Run it yourself: claude mcp add --scope user nodedc-tasker -- " + [launch.command, ...launch.args].join(" "),
      });
    }
    return { change: "updated", method: "claude-cli", where: `${claude} mcp add --scope user` };
  }
  const change = await writeJsonServer(target.jsonPath, name, jsonEntryFor(launch, true));
  return { change, method: "file", where: target.jsonPath };
}

export async function removeClaudeConfig(target: ClaudeTarget, name: string, method: "claude-cli" | "file" | undefined): Promise<FileChange> {
  const claude = findExecutable("claude", target.env, target.platform);
  if (claude && method === "claude-cli") {
    try {
      await run(claude, ["mcp", "remove", "--scope", "user", name], { env: target.env });
      return "removed";
    } catch {
      return "absent";
    }
  }
  return removeJsonServer(target.jsonPath, name);
}

export const readClaudeServer = readJsonServer;
