import { MCP_INSTRUCTIONS } from "@nodedc/shared";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { SERVER_CAPABILITIES, SERVER_INFO } from "./early-initialize";
import { createToolService, type McpServerDeps, type ToolListSource, type ToolService } from "./tool-service";

export type { McpServerDeps } from "./tool-service";

/**
 * The stdio MCP server, side-effect free until connected. `initialize` never waits on the
 * network (the SDK answers it from the constructor options); the tool list is fetched in
 * the background once connected (`prefetchTools`) and awaited by `tools/list` only. The
 * tools themselves live in tool-service.ts (no SDK); pass `service` to wrap an existing one.
 */
export function buildMcpServer(
  deps: McpServerDeps,
  service: ToolService = createToolService(deps),
): {
  server: Server;
  /** Starts fetching the tool list (call once connected, so nothing delays `initialize`). */
  prefetchTools: () => void;
  toolListSource: () => ToolListSource | null;
  /** The tools/call handler itself, for the transport's fast path (stdio-transport.ts). */
  callTool: (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;
} {
  const server = new Server({ ...SERVER_INFO }, { capabilities: { ...SERVER_CAPABILITIES }, instructions: MCP_INSTRUCTIONS });
  server.setRequestHandler(ListToolsRequestSchema, () => service.listTools());
  server.setRequestHandler(CallToolRequestSchema, (request) => service.callTool(request.params.name, (request.params.arguments ?? {}) as Record<string, unknown>));
  service.onToolListChanged(() => server.sendToolListChanged());
  return { server, prefetchTools: service.prefetchTools, toolListSource: service.toolListSource, callTool: service.callTool };
}
