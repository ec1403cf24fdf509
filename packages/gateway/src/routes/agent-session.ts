import { Hono } from "hono";
import { ROUTES, type AgentSession } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { readJson } from "../http/validate";
import { callableTools } from "../agents/tool-access";
import { revokeToken } from "../tokens/token-store";

/** Agent API: GET /agent-session (who am I) and POST /agent-session/revoke (unpair). */
export function agentSessionRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.use(ROUTES.agentSession, deps.requireAgent);
  routes.use(ROUTES.agentSessionRevoke, deps.requireAgent);

  routes.get(ROUTES.agentSession, async (c) => {
    const ctx = c.get("agent");
    await deps.audit.relaxed({
      actor_type: "agent",
      agent_id: ctx.agent.id,
      owner_user_id: ctx.owner.user_id,
      token_id: ctx.token.id,
      action: "agent_session.read",
      outcome: "allowed",
      request_id: c.get("requestId"),
    });
    const session: AgentSession = {
      agent: ctx.agent,
      owner: ctx.owner,
      token: ctx.token,
      grants: ctx.grants.map((g) => ({
        project_id: g.project_id,
        workspace_slug: g.workspace_slug,
        project_identifier: g.project_identifier,
        project_name: g.project_name,
        scopes: g.scopes,
      })),
      tools: callableTools(ctx),
    };
    c.header("Cache-Control", "no-store");
    return c.json(session);
  });

  routes.post(ROUTES.agentSessionRevoke, async (c) => {
    const ctx = c.get("agent");
    await readJson(c, z.strictObject({}));
    await deps.sql.begin(async (tx) => {
      await revokeToken(tx, ctx.agent.id, ctx.token.id, "unpaired_by_agent");
      await deps.audit.inTransaction(tx, { actor_type: "agent", agent_id: ctx.agent.id, owner_user_id: ctx.owner.user_id, token_id: ctx.token.id, action: "agent_session.revoke", outcome: "allowed", request_id: c.get("requestId") });
    });
    return c.json({ status: "revoked" });
  });
  return routes;
}
