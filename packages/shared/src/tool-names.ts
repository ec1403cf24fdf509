/** The ten MCP tools of DESIGN §4, fixed names. */
export const TOOL_NAMES = [
  "whoami",
  "list_projects",
  "describe_project",
  "search_cards",
  "get_card",
  "get_recent_activity",
  "create_card",
  "update_card",
  "add_comment",
  "report_session",
] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export function isToolName(name: string): name is ToolName {
  return (TOOL_NAMES as readonly string[]).includes(name);
}
