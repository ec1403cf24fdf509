import { Hono } from "hono";
import { createGrantRequestSchema, ROUTES } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import { readJson } from "../http/validate";
import { loadAgentFor } from "../agents/agent-access";
import { apiContext } from "../agents/action-context";
import { grantView, listGrants } from "../grants/grant-store";
import { createGrant, removeGrantFor } from "../grants/grant-service";

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
    const result = await createGrant(deps, { user, agent, body, requestId: c.get("requestId") });
    return c.json(grantView(result.row), result.created ? 201 : 200);
  });

  routes.delete(ROUTES.agentGrant, async (c) => {
    const agent = await loadAgentFor(sql, c.get("user"), c.req.param("agent_id"));
    const grantId = c.req.param("grant_id");
    if (!z.uuid().safeParse(grantId).success) throw HttpError.notFound("grant not found");
    const removed = await removeGrantFor(deps, apiContext(c), agent, grantId);
    if (!removed) throw HttpError.notFound("grant not found");
    return c.json(grantView(removed));
  });
  return routes;
}
