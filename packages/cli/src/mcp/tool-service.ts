import type { SessionGrant } from "@nodedc/shared";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { GatewayError, GatewayUnreachableError, type GatewayClient } from "../gateway-client/gateway-client";
import { explainGatewayFailure } from "../gateway-client/error-messages";
import { fallbackTools } from "./fallback-tools";
import { forwardToolCall, isWriteToolName, TokenUnavailableError } from "./tool-calls";
import { toMcpTools } from "./tool-conversion";

export interface McpServerDeps {
  gateway: GatewayClient | null;
  gatewayUrl: string | null;
  notConfigured: string;
  /** Grants known without the network (pairing), refreshed from the gateway on demand. */
  knownGrants: SessionGrant[];
  cache: { read(): Promise<Tool[] | null>; write(tools: Tool[]): Promise<void> };
  log: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  toolListTimeoutMs?: number;
}

export type ToolListSource = "gateway" | "cache" | "builtin";

export interface ToolService {
  /** What tools/list answers: the gateway's list, else the cached one, else the built-in one. */
  listTools(): Promise<{ tools: Tool[] }>;
  /** Starts fetching the tool list (call once connected, so nothing delays `initialize`). */
  prefetchTools(): void;
  toolListSource(): ToolListSource | null;
  /** What tools/call answers; never throws (failures are isError results). */
  callTool(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  /** Where "the tool list changed" goes (the SDK server, once it is connected). */
  onToolListChanged(notify: () => Promise<void>): void;
}

/**
 * The tools of `mcp` without the MCP SDK: tools/list and tools/call over the gateway. The
 * SDK's Server (server.ts) wraps it, and the stdio transport's fast path calls `callTool`
 * directly, so a plain tools/call needs neither the SDK nor zod evaluated (run-mcp.ts).
 */
export function createToolService(deps: McpServerDeps): ToolService {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let served: { tools: Tool[]; source: ToolListSource } | null = null;
  let notifyChanged: (() => Promise<void>) | null = null;

  const fetchLive = async (): Promise<Tool[]> => {
    if (!deps.gateway) throw new TokenUnavailableError(deps.notConfigured);
    const response = await deps.gateway.listTools(deps.toolListTimeoutMs ?? 10_000);
    const tools = toMcpTools(response.body);
    if (!tools) throw new Error("the gateway's tool list has an unexpected shape");
    await deps.cache.write(tools).catch((error: Error) => deps.log(`could not cache the tool list: ${error.message}`));
    return tools;
  };

  const loadTools = async (): Promise<{ tools: Tool[]; source: ToolListSource }> => {
    try {
      return { tools: await fetchLive(), source: "gateway" };
    } catch (error) {
      const reason =
        error instanceof GatewayError || error instanceof GatewayUnreachableError
          ? explainGatewayFailure(error, { gatewayUrl: deps.gatewayUrl ?? "(unknown)" })
          : (error as Error).message;
      const cached = await deps.cache.read();
      deps.log(`tool list from ${cached ? "the local cache" : "the built-in list"}: ${reason}`);
      return cached ? { tools: cached, source: "cache" } : { tools: fallbackTools(), source: "builtin" };
    }
  };

  let pending: Promise<{ tools: Tool[]; source: ToolListSource }> | null = null;

  /** After the gateway answers again, replace an offline list and tell the client. */
  const refreshIfOffline = () => {
    if (!served || served.source === "gateway") return;
    const before = JSON.stringify(served.tools);
    fetchLive()
      .then(async (tools) => {
        served = { tools, source: "gateway" };
        if (JSON.stringify(tools) !== before) await notifyChanged?.();
      })
      .catch(() => undefined);
  };

  const grants = async (): Promise<SessionGrant[]> => {
    try {
      const session = await deps.gateway?.agentSession();
      const fresh = (session?.body as { grants?: SessionGrant[] } | undefined)?.grants;
      if (Array.isArray(fresh)) return fresh;
    } catch {
      // offline or revoked: what pairing recorded is the best we have
    }
    return deps.knownGrants;
  };

  return {
    listTools: async () => {
      const loaded = await (pending ?? loadTools());
      pending = null;
      served = loaded;
      return { tools: loaded.tools };
    },
    prefetchTools: () => {
      pending ??= loadTools();
    },
    toolListSource: () => served?.source ?? null,
    callTool: async (name, args) => {
      const result = await forwardToolCall(
        {
          gateway: deps.gateway,
          gatewayUrl: deps.gatewayUrl,
          notConfigured: deps.notConfigured,
          grants,
          sleep,
          log: deps.log,
          isWriteTool: (tool) => {
            const known = served?.tools.find((t) => t.name === tool);
            return known?.annotations?.readOnlyHint === false || isWriteToolName(tool);
          },
        },
        name,
        args,
      );
      if (!result.isError) refreshIfOffline();
      return result;
    },
    onToolListChanged: (notify) => {
      notifyChanged = notify;
    },
  };
}
