import type { AgentContext } from "../../auth/agent-context";
import type { AuditEventInput, AuditOutcome } from "../../audit/audit-event";
import { retryWhileUnreachable } from "../../audit/retry-while-unreachable";
import type { ToolDeps } from "../tool-definition";
import type { ToolCall } from "./tool-call";

/** What an event of a tool call says about the call (the tool is null for an unknown name). */
export interface CallIdentity {
  agent: AgentContext;
  requestId: string;
  tool: string | null;
}

export function identityOf(call: ToolCall): CallIdentity {
  return { agent: call.agent, requestId: call.requestId, tool: call.tool.name };
}

export function callEvent(
  who: CallIdentity,
  projectId: string | null,
  outcome: AuditOutcome,
  extra: { error_code?: string; details?: Record<string, unknown> } = {},
): AuditEventInput {
  return {
    actor_type: "agent",
    agent_id: who.agent.agent.id,
    owner_user_id: who.agent.owner.user_id,
    token_id: who.agent.token.id,
    project_id: projectId,
    action: who.tool ? `tool.${who.tool}` : "tool.unknown",
    tool: who.tool,
    outcome,
    request_id: who.requestId,
    ...extra,
  };
}

/**
 * Events of reads go to the durable pool without holding the answer back for their commit: a crash in that instant can lose a
 * read's event, never a write's (writes await theirs before Tasker is called). Nobody retries an event whose answer is gone,
 * so it is retried here while the database is unreachable (a restart, a failover).
 */
export function auditInBackground(deps: Pick<ToolDeps, "audit" | "logger">, event: AuditEventInput): void {
  retryWhileUnreachable(() => deps.audit.durable(event))
    .catch((e) => deps.logger.error({ err: e, request_id: event.request_id, outcome: event.outcome }, "audit of a tool call failed"));
}
