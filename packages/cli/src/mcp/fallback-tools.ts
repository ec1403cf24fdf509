import { TOOL_FACTS, TOOL_NAMES, annotationsOf } from "../contract-leaves";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";

/**
 * The tool list when the gateway has never been reached from this profile (first start
 * offline, token revoked before the first fetch). An empty list would hide the server from
 * the agent and leave the human without a clue; these fixed names (DESIGN §4) with open
 * input schemas let the agent call a tool and read an actionable error instead ("gateway
 * unreachable, run doctor", "token revoked, pair again"). They carry the real annotations
 * so Codex runs them under `approval_policy = "never"`; no output schema, because results
 * cannot be promised without the gateway. Summaries and annotations come from TOOL_FACTS.
 */
export const OFFLINE_NOTE = "(Offline list: the gateway has not been reached yet; the call reports what to fix.)";

export function fallbackTools(): Tool[] {
  return TOOL_NAMES.map((name) => ({
    name,
    description: `${TOOL_FACTS[name].summary} ${OFFLINE_NOTE}`,
    inputSchema: { type: "object", properties: {}, additionalProperties: true },
    annotations: { ...annotationsOf(TOOL_FACTS[name]) },
  }));
}
