import type { z } from "zod";
import type { createGrantRequestSchema } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import type { LauncherUser } from "../auth/launcher-jwt";
import { HttpError } from "../http/http-error";
import { actorOf, assertAgentNotRevoked } from "../agents/agent-access";
import { auditActor, withVia, type ActionContext } from "../agents/action-context";
import type { AgentRow } from "../agents/agent-store";
import { getOwner } from "../owners/owner-store";
import { deleteGrant, upsertGrant, type GrantRow } from "./grant-store";
import { checkGrantScopes } from "./owner-right";

export interface CreateGrantInput {
  user: LauncherUser;
  agent: AgentRow;
  body: z.output<typeof createGrantRequestSchema>;
  requestId: string;
  via?: ActionContext["via"];
}

/**
 * A grant is only given with scopes the agent's owner (matched by email) could use in that
 * Tasker project now (grants/owner-right.ts): an agent can never reach further than its
 * human. Project name and identifier are copied from Tasker for display.
 */
export async function createGrant(
  deps: GatewayDeps,
  input: CreateGrantInput,
): Promise<{ row: GrantRow; created: boolean }> {
  const { agent, body, user, requestId } = input;
  assertAgentNotRevoked(agent);
  const ctx: ActionContext = { user, requestId, via: input.via ?? "api" };
  const workspace = deps.config.tasker.workspaceSlug;
  if (body.workspace_slug !== workspace) {
    throw HttpError.validation(`body.workspace_slug: this gateway serves the workspace "${workspace}"`, {
      issues: [{ path: "body.workspace_slug", code: "invalid_value", message: `expected "${workspace}"` }],
    });
  }
  const owner = await getOwner(deps.sql, agent.owner_user_id);
  const denied = async (reason: string, message: string, error: HttpError = HttpError.forbidden(message), extra: Record<string, unknown> = {}): Promise<never> => {
    await deps.audit.durable({
      ...actorOf(user),
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      project_id: body.project_id,
      action: "grant.create",
      outcome: "denied",
      error_code: "forbidden",
      request_id: requestId,
      details: withVia(ctx, { reason, scopes: body.scopes, ...extra }),
    });
    throw error;
  };
  if (!owner?.email) return denied("owner_email_unknown", "the owner's email is unknown, so Tasker membership cannot be checked; the owner should sign in once");
  if (owner.status !== "active") return denied("owner_inactive", "the owner is not active");

  const call = { agent_id: agent.id, request_id: requestId };
  const check = await checkGrantScopes(deps.adapter, call, body.project_id, owner.email, body.scopes);
  if (check.refusal) {
    const { reason, ...extra } = check.audit;
    return denied(reason as string, check.refusal.message, check.refusal, extra);
  }
  const project = await deps.adapter.getProject(call, body.project_id);

  return deps.sql.begin(async (tx) => {
    const result = await upsertGrant(tx, {
      agent_id: agent.id,
      workspace_slug: workspace,
      project_id: project.id,
      project_identifier: project.identifier,
      project_name: project.name,
      scopes: body.scopes,
      created_by: user.user_id,
    });
    await deps.audit.inTransaction(tx, {
      ...actorOf(user),
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      project_id: project.id,
      action: result.created ? "grant.create" : "grant.update",
      outcome: "allowed",
      request_id: requestId,
      details: withVia(ctx, { grant_id: result.row.id, scopes: body.scopes, ...(result.previous_scopes ? { previous: { scopes: result.previous_scopes } } : {}) }),
    });
    return result;
  });
}

/** Removes one grant (humans may delete grants; agents can delete nothing). Null: no such grant. */
export async function removeGrantFor(deps: Pick<GatewayDeps, "sql" | "audit">, ctx: ActionContext, agent: AgentRow, grantId: string): Promise<GrantRow | null> {
  return deps.sql.begin(async (tx) => {
    const row = await deleteGrant(tx, agent.id, grantId);
    if (!row) return null;
    await deps.audit.inTransaction(tx, {
      ...auditActor(ctx),
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      project_id: row.project_id,
      action: "grant.delete",
      outcome: "allowed",
      details: withVia(ctx, { grant_id: row.id, previous: { scopes: row.scopes, project_identifier: row.project_identifier } }),
    });
    return row;
  });
}

/**
 * The Tasker projects this agent's owner may grant: those the service user sees in which
 * the owner (by email) has any right left. Which scopes fit that right is checked by the
 * grant itself (createGrant), whose refusal names the scopes out of reach.
 */
export async function grantableProjectsFor(
  deps: Pick<GatewayDeps, "sql" | "adapter">,
  agent: AgentRow,
  requestId: string,
): Promise<{ id: string; identifier: string; name: string }[]> {
  const owner = await getOwner(deps.sql, agent.owner_user_id);
  if (!owner?.email || owner.status !== "active") return [];
  const call = { agent_id: agent.id, request_id: requestId };
  const projects = await deps.adapter.listProjects(call);
  const email = owner.email;
  const rights = await Promise.all(projects.map((p) => deps.adapter.ownerRight(call, p.id, email)));
  return projects.filter((_, i) => rights[i]!.level !== "none").map((p) => ({ id: p.id, identifier: p.identifier, name: p.name }));
}
