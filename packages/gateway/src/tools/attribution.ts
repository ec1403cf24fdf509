import type { Attribution } from "../markdown/markdown";
import type { ToolCallContext } from "./tool-definition";

/** Who a card or comment is attributed to in Tasker: the agent and the owner it acts for. */
export function attributionOf(ctx: ToolCallContext): Attribution {
  return { agent_name: ctx.agent.agent.display_name, owner: ctx.agent.owner.email ?? ctx.agent.owner.user_id };
}
