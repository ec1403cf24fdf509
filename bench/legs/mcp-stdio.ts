/** Way (3): `nodedc-tasker mcp` over stdio (built CLI, env token, no stored state), driven by the SDK Client. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RUN_ID, type SandboxInfo } from "../lib/context.ts";
import { connectStdio, type StdioServer } from "../lib/mcp-client.ts";
import { CLI_DIST } from "../lib/paths.ts";
import type { WayOp } from "../lib/way.ts";
import { toolArguments } from "./gateway-rest.ts";

export function mcpEnv(gatewayUrl: string, token: string): Record<string, string> {
  return { NODEDC_TASKER_TOKEN: token, NODEDC_TASKER_GATEWAY: gatewayUrl, NODEDC_TASKER_HOME: mkdtempSync(join(tmpdir(), "nodedc-bench-")) };
}

export function startMcp(gatewayUrl: string, token: string, nodeArgs: string[] = []): Promise<StdioServer> {
  return connectStdio(process.execPath, [...nodeArgs, CLI_DIST, "mcp"], mcpEnv(gatewayUrl, token));
}

export function mcpOps(s: SandboxInfo, mcp: StdioServer): WayOp[] {
  const a = toolArguments(s);
  const key = (op: string, i: number) => `${RUN_ID}.mcp.${op}.${i}`;
  return [
    { op: "get_card", via: "tools/call get_card", call: () => mcp.call("get_card", a.get_card()) },
    { op: "search_cards", via: "tools/call search_cards", call: () => mcp.call("search_cards", a.search_cards()) },
    { op: "create_card", via: "tools/call create_card", call: (i) => mcp.call("create_card", { ...a.create_card(i, "mcp"), idempotency_key: key("create_card", i) }) },
    { op: "add_comment", via: "tools/call add_comment", call: (i) => mcp.call("add_comment", { ...a.add_comment(i, "mcp"), idempotency_key: key("add_comment", i) }) },
  ];
}
