import { Hono } from "hono";
import { IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_PATTERN, IDEMPOTENT_REPLAYED_HEADER, ROUTES, rotateTokenRequestSchema, type AgentSession } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { readJson } from "../http/validate";
import { callableTools } from "../agents/tool-access";
import { revokeToken } from "../tokens/token-store";
import { rotateToken } from "../tokens/rotate-token";
import { bearerCredential } from "../auth/bearer";
import { clientIp } from "../http/client-ip";
import { HttpError } from "../http/http-error";

/** Agent API: GET /agent-session (who am I), POST /agent-session/revoke (unpair), POST /agent-session/rotate. */
export function agentSessionRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.use(ROUTES.agentSession, deps.requireAgent);
  routes.use(ROUTES.agentSessionRevoke, deps.requireAgent);
  routes.use(ROUTES.agentSessionRotate, deps.requireAgent);

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

  routes.post(ROUTES.agentSessionRotate, async (c) => {
    const key = c.req.header(IDEMPOTENCY_HEADER);
    if (key === undefined || key === "") {
      throw new HttpError("idempotency_key_required", "rotation needs an Idempotency-Key header: a fresh one per rotation, the same one to retry it");
    }
    if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw new HttpError("idempotency_key_invalid", "Idempotency-Key must be 8–128 characters of [A-Za-z0-9._:-]");
    await readJson(c, rotateTokenRequestSchema);
    const { answer, replayed } = await rotateToken(
      { sql: deps.sql, pepper: deps.config.tokenPepper, audit: deps.audit },
      {
        agent: c.get("agent"),
        // requireAgent accepted exactly this credential
        presentedToken: bearerCredential(c)!,
        idempotencyKey: key,
        ip: clientIp(c, deps.config.trustProxy),
        requestId: c.get("requestId"),
      },
    );
    c.header("Cache-Control", "no-store");
    c.header("Pragma", "no-cache");
    if (replayed) c.header(IDEMPOTENT_REPLAYED_HEADER, "true");
    return c.json(answer, 201);
  });
  return routes;
}
