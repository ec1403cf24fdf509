import type { Scope } from "@nodedc/shared";
import type { AgentGrantContext } from "../../auth/agent-context";
import { httpErrorFromTasker } from "../../http/tasker-error-mapping";
import { checkToolRight, type RightCheck } from "../../grants/owner-right";
import { isTaskerError } from "../../tasker/errors";
import { Denial } from "./denial";
import type { ToolCall } from "./tool-call";

/**
 * The last check of authorise: an agent never does more than its owner could do in
 * Tasker right now (DESIGN §9 rule 10). The owner's right in the project (from the
 * adapter's cached member lists) must cover the tool's scope: grants/owner-right.ts.
 */
export async function assertOwnerRight(call: ToolCall, grant: AgentGrantContext): Promise<void> {
  const { agent, deps, tool } = call;
  if (tool.scope === "any") return;
  let check: RightCheck;
  try {
    check = await checkToolRight(deps.tasker, { agent_id: agent.agent.id, request_id: call.requestId }, grant.project_id, agent.owner.email, tool.scope as Scope);
  } catch (error) {
    if (isTaskerError(error)) throw new Denial(httpErrorFromTasker(error, "tool_read"), { stage: "owner_right_check" }, grant.project_id);
    throw error;
  }
  if (check.refusal) throw new Denial(check.refusal, check.audit, grant.project_id);
}
