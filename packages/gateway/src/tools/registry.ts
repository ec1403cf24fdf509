import type { ToolName } from "@nodedc/shared";
import { addCommentTool } from "./add-comment";
import { createCardTool } from "./create-card";
import { describeProjectTool } from "./describe-project";
import { getCardTool } from "./get-card";
import { getRecentActivityTool } from "./get-recent-activity";
import { listProjectsTool } from "./list-projects";
import { reportSessionTool } from "./report-session";
import { searchCardsTool } from "./search-cards";
import type { AnyToolDefinition } from "./tool-definition";
import { updateCardTool } from "./update-card";
import { whoamiTool } from "./whoami";

/** Every tool, once (DESIGN §4 order). Nothing outside this list can ever be called. */
export const TOOLS: readonly AnyToolDefinition[] = Object.freeze([
  whoamiTool,
  listProjectsTool,
  describeProjectTool,
  searchCardsTool,
  getCardTool,
  getRecentActivityTool,
  createCardTool,
  updateCardTool,
  addCommentTool,
  reportSessionTool,
]);

const BY_NAME = new Map<string, AnyToolDefinition>(TOOLS.map((t) => [t.name, t]));

export function findTool(name: string): AnyToolDefinition | undefined {
  return BY_NAME.get(name);
}

export function toolNamed(name: ToolName): AnyToolDefinition {
  const tool = BY_NAME.get(name);
  if (!tool) throw new Error(`tool ${name} is not registered`);
  return tool;
}
