import { Hono } from "hono";
import { createPairingCodeRequestSchema, formatPairingCode, ROUTES } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { readJson } from "../http/validate";
import { actorOf, assertAgentNotRevoked, loadAgentFor } from "../agents/agent-access";
import { createPairingCode } from "../pairing/pairing-store";

/** The command a human copies to the laptop (DESIGN §2). */
export function pairCommand(code: string, publicUrl: string): string {
  return `npx nodedc-tasker pair ${formatPairingCode(code)} --gateway ${publicUrl}`;
}

/** POST /agents/{id}/pairing-codes → 201 {code, expires_at, command}; stored hashed. */
export function agentPairingCodeRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.post(ROUTES.agentPairingCodes, async (c) => {
    const user = c.get("user");
    const agent = await loadAgentFor(deps.sql, user, c.req.param("agent_id"));
    const body = await readJson(c, createPairingCodeRequestSchema);
    assertAgentNotRevoked(agent);
    const created = await createPairingCode(deps.sql, deps.config.tokenPepper, {
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      created_by: user.user_id,
      ...(body.expires_in_s !== undefined ? { ttl_s: body.expires_in_s } : {}),
    });
    await deps.audit.durable({
      ...actorOf(user),
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      action: "pairing_code.create",
      outcome: "allowed",
      request_id: c.get("requestId"),
      details: { pairing_code_id: created.id, expires_at: created.expires_at.toISOString() },
    });
    c.header("Cache-Control", "no-store");
    return c.json(
      { code: formatPairingCode(created.code), expires_at: created.expires_at.toISOString(), command: pairCommand(created.code, deps.config.publicUrl) },
      201,
    );
  });
  return routes;
}
