import type { FileChange } from "./codex";
import { jsonEntryFor, readJsonServer, removeJsonServer, writeJsonServer } from "./json-config";
import type { ServerLaunch } from "./launcher";

/** Cursor reads global MCP servers from ~/.cursor/mcp.json (`mcpServers`). */
export function writeCursorConfig(file: string, name: string, launch: ServerLaunch): Promise<FileChange> {
  return writeJsonServer(file, name, jsonEntryFor(launch, false));
}

export function removeCursorConfig(file: string, name: string): Promise<FileChange> {
  return removeJsonServer(file, name);
}

export const readCursorServer = readJsonServer;
