import type { Sql } from "postgres";
import type { z } from "zod";
import type { createAgentRequestSchema, updateAgentRequestSchema } from "@nodedc/shared";
import type { LauncherUser } from "../auth/launcher-jwt";
import type { RecordAudit } from "../audit/record-audit";
import { HttpError } from "../http/http-error";
import { ensureOwner } from "../owners/owner-store";
import { revokeAllTokens } from "../tokens/token-store";
import { actorOf, assertAgentNotRevoked } from "./agent-access";
import { getAgent, insertAgent, markAgentRevoked, updateAgent, type AgentRow } from "./agent-store";

/**
 * What the internal agent routes do (DESIGN §3): each change commits in one transaction
 * with its audit event, so an agent never changes without a record of who changed it.
 * Routes parse, call one of these, and shape the answer.
 */
export interface AgentServiceDeps {
  sql: Sql;
  audit: RecordAudit;
}

export interface Acting {
  user: LauncherUser;
  requestId: string;
}

export async function createAgent(deps: AgentServiceDeps, by: Acting, body: z.output<typeof createAgentRequestSchema>): Promise<AgentRow> {
  const { user } = by;
  const ownerUserId = body.owner_user_id ?? user.user_id;
  if (ownerUserId !== user.user_id && user.role !== "platform_admin") {
    throw HttpError.forbidden("only a platform admin may create agents for another owner");
  }
  return deps.sql.begin(async (tx) => {
    await ensureOwner(tx, ownerUserId);
    const row = await insertAgent(tx, ownerUserId, body.display_name, user.user_id);
    await deps.audit.inTransaction(tx, {
      ...actorOf(user),
      agent_id: row.id,
      owner_user_id: ownerUserId,
      action: "agent.create",
      outcome: "allowed",
      request_id: by.requestId,
      details: { display_name: row.display_name },
    });
    return row;
  });
}

export async function changeAgent(deps: AgentServiceDeps, by: Acting, agent: AgentRow, body: z.output<typeof updateAgentRequestSchema>): Promise<AgentRow> {
  assertAgentNotRevoked(agent);
  return deps.sql.begin(async (tx) => {
    await updateAgent(tx, agent.id, body);
    const action = body.status && body.status !== agent.stored_status ? (body.status === "paused" ? "agent.pause" : "agent.resume") : "agent.update";
    await deps.audit.inTransaction(tx, {
      ...actorOf(by.user),
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      action,
      outcome: "allowed",
      request_id: by.requestId,
      details: { previous: { display_name: agent.display_name, status: agent.stored_status }, changes: body },
    });
    return (await getAgent(tx, agent.id))!;
  });
}

/** Revocation is permanent: the agent and every token of it, in one transaction. */
export async function revokeAgent(deps: AgentServiceDeps, by: Acting, agent: AgentRow): Promise<AgentRow> {
  return deps.sql.begin(async (tx) => {
    await markAgentRevoked(tx, agent.id);
    const tokens = await revokeAllTokens(tx, agent.id, "agent_revoked");
    await deps.audit.inTransaction(tx, {
      ...actorOf(by.user),
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      action: "agent.revoke",
      outcome: "allowed",
      request_id: by.requestId,
      details: { revoked_tokens: tokens, previous: { status: agent.stored_status } },
    });
    return (await getAgent(tx, agent.id))!;
  });
}
