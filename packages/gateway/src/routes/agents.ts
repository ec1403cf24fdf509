import { Hono, type MiddlewareHandler } from "hono";
import { createAgentRequestSchema, LIMITS, pageLimitSchema, cursorSchema, ROUTES, updateAgentRequestSchema } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { readJson, readQuery } from "../http/validate";
import { decodeCursor, pageOf } from "../http/cursor";
import { loadAgentFor } from "../agents/agent-access";
import { agentView, listAgents } from "../agents/agent-store";
import { createAgentFor, revokeAgentFor, updateAgentFor } from "../agents/agent-service";
import { apiContext } from "../agents/action-context";
import { agentGrantRoutes } from "./agent-grants";
import { agentTokenRoutes } from "./agent-tokens";
import { agentPairingCodeRoutes } from "./agent-pairing-codes";

export type AgentRoutesDeps = GatewayDeps & { requireUser: MiddlewareHandler<GatewayEnv> };

const listQuerySchema = z.strictObject({ limit: pageLimitSchema.optional(), cursor: cursorSchema.optional() });

/** Internal API of DESIGN §3 for agents and everything hanging off one (Launcher JWT). */
export function agentRoutes(deps: AgentRoutesDeps): Hono<GatewayEnv> {
  const { sql } = deps;
  const routes = new Hono<GatewayEnv>();
  routes.use(ROUTES.agents, deps.requireUser);
  routes.use(`${ROUTES.agents}/*`, deps.requireUser);

  routes.post(ROUTES.agents, async (c) => {
    const body = await readJson(c, createAgentRequestSchema);
    return c.json(agentView(await createAgentFor(deps, apiContext(c), body)), 201);
  });

  routes.get(ROUTES.agents, async (c) => {
    const user = c.get("user");
    const q = readQuery(c, listQuerySchema);
    const limit = q.limit ?? LIMITS.default_page_size;
    const rows = await listAgents(sql, {
      ownerUserId: user.role === "platform_admin" ? null : user.user_id,
      limit: limit + 1,
      after: q.cursor ? decodeCursor(q.cursor) : null,
    });
    return c.json(pageOf(rows, limit, agentView));
  });

  routes.get(ROUTES.agent, async (c) => {
    const agent = await loadAgentFor(sql, c.get("user"), c.req.param("agent_id"));
    return c.json(agentView(agent));
  });

  routes.patch(ROUTES.agent, async (c) => {
    const agent = await loadAgentFor(sql, c.get("user"), c.req.param("agent_id"));
    const body = await readJson(c, updateAgentRequestSchema);
    return c.json(agentView(await updateAgentFor(deps, apiContext(c), agent, body)));
  });

  routes.post(ROUTES.agentRevoke, async (c) => {
    const agent = await loadAgentFor(sql, c.get("user"), c.req.param("agent_id"));
    await readJson(c, z.strictObject({}));
    return c.json(agentView(await revokeAgentFor(deps, apiContext(c), agent)));
  });

  routes.route("/", agentGrantRoutes(deps));
  routes.route("/", agentTokenRoutes(deps));
  routes.route("/", agentPairingCodeRoutes(deps));
  return routes;
}
