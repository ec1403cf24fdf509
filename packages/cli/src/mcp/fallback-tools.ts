import { TOOL_NAMES, WRITE_TOOL_NAMES, type ToolName } from "@nodedc/shared";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";

/**
 * The tool list when the gateway has never been reached from this profile (first start
 * offline, token revoked before the first fetch). An empty list would hide the server from
 * the agent and leave the human without a clue; these fixed names (DESIGN §4) with open
 * input schemas let the agent call a tool and read an actionable error instead ("gateway
 * unreachable, run doctor", "token revoked, pair again"). They carry the real annotations
 * so Codex runs them under `approval_policy = "never"`; no output schema, because results
 * cannot be promised without the gateway.
 */
const SUMMARIES: Record<ToolName, string> = {
  whoami: "Who this agent is: agent, owner, granted projects and scopes, limits.",
  list_projects: "Projects this agent may use, with ids and identifiers.",
  describe_project: "One project's states, labels and members (ids for other tools). Needs project_id.",
  search_cards: "Search cards in a project by text, state, assignee, label or update time. Needs project_id.",
  get_card: "One card by UUID or identifier (PROJ-123) with comments and activity. Needs project_id and card.",
  get_recent_activity: "Recent agent and card activity in a project. Needs project_id.",
  create_card: "Create a card. Needs project_id, title and a unique idempotency_key.",
  update_card: "Update a card's fields. Needs project_id, card_id and a unique idempotency_key.",
  add_comment: "Comment on a card (markdown). Needs project_id, card_id, body_markdown and a unique idempotency_key.",
  report_session: "Report work progress on a card: started|progress|blocked|completed. Needs project_id, card_id, status, summary, idempotency_key.",
};

export const OFFLINE_NOTE = "(Offline list: the gateway has not been reached yet; the call reports what to fix.)";

export function fallbackTools(): Tool[] {
  return TOOL_NAMES.map((name) => {
    const write = (WRITE_TOOL_NAMES as readonly string[]).includes(name);
    return {
      name,
      description: `${SUMMARIES[name]} ${OFFLINE_NOTE}`,
      inputSchema: { type: "object", properties: {}, additionalProperties: true },
      annotations: write
        ? { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false }
        : { readOnlyHint: true, openWorldHint: false },
    };
  });
}
