import { Command } from "commander";
import { DEFAULT_PROFILE } from "../config/profiles";
import type { McpOptions } from "../mcp/run-mcp";

/** The command only: the server it runs is mcp/run-mcp.ts (mcp/ never imports commands/). */
export function mcpCommand(run: (opts: McpOptions) => Promise<unknown>): Command {
  return new Command("mcp")
    .description("Run the stdio MCP server (started by Codex / Claude Code / Cursor; stdout is protocol only)")
    .option("--profile <name>", "profile to serve", DEFAULT_PROFILE)
    .action(async (options: McpOptions) => {
      await run(options);
    });
}
