import type { AgentGrantContext } from "../../auth/agent-context";
import { HttpError } from "../../http/http-error";
import { httpErrorFromTasker } from "../../http/tasker-error-mapping";
import { isTaskerError } from "../../tasker/errors";
import { Denial } from "./denial";
import type { ToolCall } from "./tool-call";

/**
 * The last check of authorise: an agent never does more than its owner could do in
 * Tasker right now. Today that is "the owner (by email) is a member of the project",
 * asked through the adapter's membership cache.
 */
export async function assertOwnerRight(call: ToolCall, grant: AgentGrantContext): Promise<void> {
  const { agent, deps } = call;
  const email = agent.owner.email;
  let member = false;
  try {
    member = email !== null && (await deps.tasker.isProjectMember({ agent_id: agent.agent.id, request_id: call.requestId }, grant.project_id, email));
  } catch (error) {
    if (isTaskerError(error)) throw new Denial(httpErrorFromTasker(error, "tool_read"), { stage: "membership_check" }, grant.project_id);
    throw error;
  }
  if (!member) {
    throw new Denial(
      new HttpError(
        "project_not_granted",
        "your owner is no longer an active member of this Tasker project, so the grant cannot be used; ask your owner",
        { project_id: grant.project_id, reason: "owner_not_member" },
      ),
      { reason: "owner_not_member" },
      grant.project_id,
    );
  }
}
