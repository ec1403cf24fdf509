import { Hono } from "hono";
import { createGrantRequestSchema, isUuid, ROUTES } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import { readJson } from "../http/validate";
import { actorOf, assertAgentNotRevoked, loadAgentFor } from "../agents/agent-access";
import { deleteGrant, grantView, listGrants } from "../grants/grant-store";
import { createGrant } from "../grants/grant-service";

/** GET/POST /agents/{id}/grants and DELETE /agents/{id}/grants/{grant_id}. */
export function agentGrantRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const { sql } = deps;
  const routes = new Hono<GatewayEnv>();

  routes.get(ROUTES.agentGrants, async (c) => {
    const agent = await loadAgentFor(sql, c.get("user"), c.req.param("agent_id"));
    const rows = await listGrants(sql, agent.id);
    return c.json({ items: rows.map(grantView), next_cursor: null });
  });

  routes.post(ROUTES.agentGrants, async (c) => {
    const user = c.get("user");
    const agent = await loadAgentFor(sql, user, c.req.param("agent_id"));
    const body = await readJson(c, createGrantRequestSchema);
    assertAgentNotRevoked(agent);
    const result = await createGrant(deps, { user, agent, body, requestId: c.get("requestId") });
    return c.json(grantView(result.row), result.created ? 201 : 200);
  });

  routes.delete(ROUTES.agentGrant, async (c) => {
    const user = c.get("user");
    const agent = await loadAgentFor(sql, user, c.req.param("agent_id"));
    const grantId = c.req.param("grant_id");
    if (!isUuid(grantId)) throw HttpError.notFound("grant not found");
    const removed = await sql.begin(async (tx) => {
      const row = await deleteGrant(tx, agent.id, grantId);
      if (!row) return null;
      await deps.audit.inTransaction(tx, {
        ...actorOf(user),
        agent_id: agent.id,
        owner_user_id: agent.owner_user_id,
        project_id: row.project_id,
        action: "grant.delete",
        outcome: "allowed",
        request_id: c.get("requestId"),
        details: { grant_id: row.id, previous: { scopes: row.scopes, project_identifier: row.project_identifier } },
      });
      return row;
    });
    if (!removed) throw HttpError.notFound("grant not found");
    return c.json(grantView(removed));
  });
  return routes;
}
