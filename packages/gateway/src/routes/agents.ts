import { Hono, type MiddlewareHandler } from "hono";
import { createAgentRequestSchema, LIMITS, pageLimitSchema, cursorSchema, ROUTES, updateAgentRequestSchema } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import { readJson, readQuery } from "../http/validate";
import { decodeCursor, pageOf } from "../http/cursor";
import { actorOf, assertAgentNotRevoked, loadAgentFor } from "../agents/agent-access";
import { agentView, getAgent, insertAgent, listAgents, markAgentRevoked, updateAgent } from "../agents/agent-store";
import { ensureOwner } from "../owners/owner-store";
import { revokeAllTokens } from "../tokens/token-store";
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
    const user = c.get("user");
    const body = await readJson(c, createAgentRequestSchema);
    const ownerUserId = body.owner_user_id ?? user.user_id;
    if (ownerUserId !== user.user_id && user.role !== "platform_admin") {
      throw HttpError.forbidden("only a platform admin may create agents for another owner");
    }
    const agent = await sql.begin(async (tx) => {
      await ensureOwner(tx, ownerUserId);
      const row = await insertAgent(tx, ownerUserId, body.display_name, user.user_id);
      await deps.audit(
        { ...actorOf(user), agent_id: row.id, owner_user_id: ownerUserId, action: "agent.create", outcome: "allowed", request_id: c.get("requestId"), details: { display_name: row.display_name } },
        tx,
      );
      return row;
    });
    return c.json(agentView(agent), 201);
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
    const user = c.get("user");
    const agent = await loadAgentFor(sql, user, c.req.param("agent_id"));
    const body = await readJson(c, updateAgentRequestSchema);
    assertAgentNotRevoked(agent);
    const updated = await sql.begin(async (tx) => {
      await updateAgent(tx, agent.id, body);
      const action = body.status && body.status !== agent.stored_status ? (body.status === "paused" ? "agent.pause" : "agent.resume") : "agent.update";
      await deps.audit(
        {
          ...actorOf(user),
          agent_id: agent.id,
          owner_user_id: agent.owner_user_id,
          action,
          outcome: "allowed",
          request_id: c.get("requestId"),
          details: { previous: { display_name: agent.display_name, status: agent.stored_status }, changes: body },
        },
        tx,
      );
      return (await getAgent(tx, agent.id))!;
    });
    return c.json(agentView(updated));
  });

  routes.post(ROUTES.agentRevoke, async (c) => {
    const user = c.get("user");
    const agent = await loadAgentFor(sql, user, c.req.param("agent_id"));
    await readJson(c, z.strictObject({}));
    const revoked = await sql.begin(async (tx) => {
      await markAgentRevoked(tx, agent.id);
      const tokens = await revokeAllTokens(tx, agent.id, "agent_revoked");
      await deps.audit(
        { ...actorOf(user), agent_id: agent.id, owner_user_id: agent.owner_user_id, action: "agent.revoke", outcome: "allowed", request_id: c.get("requestId"), details: { revoked_tokens: tokens, previous: { status: agent.stored_status } } },
        tx,
      );
      return (await getAgent(tx, agent.id))!;
    });
    return c.json(agentView(revoked));
  });

  routes.route("/", agentGrantRoutes(deps));
  routes.route("/", agentTokenRoutes(deps));
  routes.route("/", agentPairingCodeRoutes(deps));
  return routes;
}
