import { TOOL_NAMES, TOOL_FACTS, type Scope, type ToolName, type ToolScope } from "@nodedc/shared";
import type { AgentContext } from "../auth/agent-context";

/** Scope of each tool (DESIGN §4, from TOOL_FACTS); `any` needs only a valid token. */
export const TOOL_SCOPE: Readonly<Record<ToolName, ToolScope>> = Object.fromEntries(TOOL_NAMES.map((name) => [name, TOOL_FACTS[name].scope])) as Record<ToolName, ToolScope>;

/** Tools this agent may call in at least one granted project. */
export function callableTools(agent: AgentContext): ToolName[] {
  const held = new Set<Scope>(agent.grants.flatMap((g) => g.scopes));
  return TOOL_NAMES.filter((name) => {
    const scope = TOOL_SCOPE[name];
    return scope === "any" || held.has(scope);
  });
}
