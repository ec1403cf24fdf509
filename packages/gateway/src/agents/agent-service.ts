import type { z } from "zod";
import type { createAgentRequestSchema, updateAgentRequestSchema } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import { HttpError } from "../http/http-error";
import { ensureOwner } from "../owners/owner-store";
import { revokeAllTokens } from "../tokens/token-store";
import { assertAgentNotRevoked } from "./agent-access";
import { getAgent, insertAgent, markAgentRevoked, updateAgent, type AgentRow } from "./agent-store";
import { auditActor, withVia, type ActionContext } from "./action-context";

type Deps = Pick<GatewayDeps, "sql" | "audit">;

/** Creates an agent for the caller, or (platform admin only) for another owner. */
export async function createAgentFor(deps: Deps, ctx: ActionContext, body: z.output<typeof createAgentRequestSchema>): Promise<AgentRow> {
  const ownerUserId = body.owner_user_id ?? ctx.user.user_id;
  if (ownerUserId !== ctx.user.user_id && ctx.user.role !== "platform_admin") {
    throw HttpError.forbidden("only a platform admin may create agents for another owner");
  }
  return deps.sql.begin(async (tx) => {
    await ensureOwner(tx, ownerUserId);
    const row = await insertAgent(tx, ownerUserId, body.display_name, ctx.user.user_id);
    await deps.audit.inTransaction(tx, { ...auditActor(ctx), agent_id: row.id, owner_user_id: ownerUserId, action: "agent.create", outcome: "allowed", details: withVia(ctx, { display_name: row.display_name }) });
    return row;
  });
}

/** Rename and/or pause/resume; a revoked agent stays revoked. */
export async function updateAgentFor(deps: Deps, ctx: ActionContext, agent: AgentRow, body: z.output<typeof updateAgentRequestSchema>): Promise<AgentRow> {
  assertAgentNotRevoked(agent);
  return deps.sql.begin(async (tx) => {
    await updateAgent(tx, agent.id, body);
    const action = body.status && body.status !== agent.stored_status ? (body.status === "paused" ? "agent.pause" : "agent.resume") : "agent.update";
    await deps.audit.inTransaction(tx, {
      ...auditActor(ctx),
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      action,
      outcome: "allowed",
      details: withVia(ctx, { previous: { display_name: agent.display_name, status: agent.stored_status }, changes: body }),
    });
    return (await getAgent(tx, agent.id))!;
  });
}

/** Permanent: the agent and every token it holds are revoked in one transaction. */
export async function revokeAgentFor(deps: Deps, ctx: ActionContext, agent: AgentRow): Promise<AgentRow> {
  return deps.sql.begin(async (tx) => {
    await markAgentRevoked(tx, agent.id);
    const tokens = await revokeAllTokens(tx, agent.id, "agent_revoked");
    await deps.audit.inTransaction(tx, {
      ...auditActor(ctx),
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      action: "agent.revoke",
      outcome: "allowed",
      details: withVia(ctx, { revoked_tokens: tokens, previous: { status: agent.stored_status } }),
    });
    return (await getAgent(tx, agent.id))!;
  });
}
