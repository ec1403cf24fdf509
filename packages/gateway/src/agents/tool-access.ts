import { TOOL_NAMES, type Scope, type ToolName, type ToolScope } from "@nodedc/shared";
import type { AgentContext } from "../auth/agent-context";

/** Scope of each tool (DESIGN §4); `any` needs only a valid token. */
export const TOOL_SCOPE: Record<ToolName, ToolScope> = {
  whoami: "any",
  list_projects: "cards:read",
  describe_project: "cards:read",
  search_cards: "cards:read",
  get_card: "cards:read",
  get_recent_activity: "cards:read",
  create_card: "cards:write",
  update_card: "cards:write",
  add_comment: "comments:write",
  report_session: "sessions:report",
};

/** Tools this agent may call in at least one granted project. */
export function callableTools(agent: AgentContext): ToolName[] {
  const held = new Set<Scope>(agent.grants.flatMap((g) => g.scopes));
  return TOOL_NAMES.filter((name) => {
    const scope = TOOL_SCOPE[name];
    return scope === "any" || held.has(scope);
  });
}
