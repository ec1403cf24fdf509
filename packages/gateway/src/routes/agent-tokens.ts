import { Hono } from "hono";
import { issueTokenRequestSchema, ROUTES } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import { readJson } from "../http/validate";
import { actorOf, assertAgentNotRevoked, loadAgentFor } from "../agents/agent-access";
import { insertToken, listTokens, tokenMeta } from "../tokens/token-store";
import { revokeTokenFor } from "../tokens/token-service";
import { apiContext } from "../agents/action-context";

/** Tokens of an agent: issue (shown once), list metadata, revoke now. */
export function agentTokenRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const { sql } = deps;
  const routes = new Hono<GatewayEnv>();

  routes.get(ROUTES.agentTokens, async (c) => {
    const agent = await loadAgentFor(sql, c.get("user"), c.req.param("agent_id"));
    return c.json({ items: (await listTokens(sql, agent.id)).map(tokenMeta), next_cursor: null });
  });

  routes.post(ROUTES.agentTokens, async (c) => {
    const user = c.get("user");
    const agent = await loadAgentFor(sql, user, c.req.param("agent_id"));
    const body = await readJson(c, issueTokenRequestSchema);
    assertAgentNotRevoked(agent);
    const issued = await sql.begin(async (tx) => {
      const result = await insertToken(tx, deps.config.tokenPepper, {
        agent_id: agent.id,
        name: body.name ?? null,
        ...(body.expires_in_days !== undefined ? { expires_in_days: body.expires_in_days } : {}),
        created_via: "issue",
        created_by: user.user_id,
      });
      await deps.audit.inTransaction(tx, {
        ...actorOf(user),
        agent_id: agent.id,
        owner_user_id: agent.owner_user_id,
        token_id: result.row.id,
        action: "token.issue",
        outcome: "allowed",
        request_id: c.get("requestId"),
        details: { name: result.row.name, expires_at: result.row.expires_at?.toISOString() ?? null },
      });
      return result;
    });
    c.header("Cache-Control", "no-store");
    c.header("Pragma", "no-cache");
    return c.json({ ...tokenMeta(issued.row), token: issued.token }, 201);
  });

  routes.post(ROUTES.agentTokenRevoke, async (c) => {
    const agent = await loadAgentFor(sql, c.get("user"), c.req.param("agent_id"));
    const tokenId = c.req.param("token_id");
    if (!z.uuid().safeParse(tokenId).success) throw HttpError.notFound("token not found");
    await readJson(c, z.strictObject({}));
    const row = await revokeTokenFor(deps, apiContext(c), agent, tokenId);
    if (!row) throw HttpError.notFound("token not found");
    return c.json(tokenMeta(row));
  });
  return routes;
}
