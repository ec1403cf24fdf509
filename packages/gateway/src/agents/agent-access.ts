import type { Sql, TransactionSql } from "postgres";
import { isUuid } from "@nodedc/shared";
import type { LauncherUser } from "../auth/launcher-jwt";
import { HttpError } from "../http/http-error";
import { getAgent, type AgentRow } from "./agent-store";

/**
 * Who may act on an agent: its owner, or a platform admin. Anyone else gets the same 404
 * as for an agent that does not exist (no probing of other owners' agent ids).
 */
export function canActOnOwner(user: LauncherUser, ownerUserId: string): boolean {
  return user.role === "platform_admin" || user.user_id === ownerUserId;
}

export async function loadAgentFor(sql: Sql | TransactionSql, user: LauncherUser, agentId: string): Promise<AgentRow> {
  if (!isUuid(agentId)) throw HttpError.notFound("agent not found");
  const agent = await getAgent(sql, agentId);
  if (!agent || !canActOnOwner(user, agent.owner_user_id)) throw HttpError.notFound("agent not found");
  return agent;
}

/** Changes to a revoked agent are refused (revocation is permanent). */
export function assertAgentNotRevoked(agent: AgentRow): void {
  if (agent.stored_status === "revoked") throw HttpError.forbidden("this agent is revoked for good; create a new agent");
}

/** The audit actor for a human or service acting through the internal API. */
export function actorOf(user: LauncherUser): { actor_type: "user" | "service"; actor_user_id: string } {
  return { actor_type: user.role === "service" ? "service" : "user", actor_user_id: user.user_id };
}
