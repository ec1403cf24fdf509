import { Hono } from "hono";
import { createPairingCodeRequestSchema, LIMITS, pairingCodeListQuerySchema, ROUTES } from "@nodedc/shared";
import { z } from "zod";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import { readJson, readQuery } from "../http/validate";
import { decodeCursor, pageOf } from "../http/cursor";
import { loadAgentFor } from "../agents/agent-access";
import { apiContext } from "../agents/action-context";
import { pairingStatusView } from "../pairing/pairing-store";
import { cancelPairingCodeFor, createPairingCodeFor, listPairingCodesFor } from "../pairing/pairing-service";

/**
 * Pairing codes of an agent (DESIGN §3, §14): create (the clear code once, stored hashed),
 * list their status (never the code), cancel a pending one.
 */
export function agentPairingCodeRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.post(ROUTES.agentPairingCodes, async (c) => {
    const agent = await loadAgentFor(deps.sql, c.get("user"), c.req.param("agent_id"));
    const body = await readJson(c, createPairingCodeRequestSchema);
    const created = await createPairingCodeFor(deps, apiContext(c), agent, body.expires_in_s);
    c.header("Cache-Control", "no-store");
    return c.json({ id: created.id, code: created.code, expires_at: created.expires_at.toISOString(), command: created.command }, 201);
  });

  routes.get(ROUTES.agentPairingCodes, async (c) => {
    const agent = await loadAgentFor(deps.sql, c.get("user"), c.req.param("agent_id"));
    const q = readQuery(c, pairingCodeListQuerySchema);
    const limit = q.limit ?? LIMITS.default_page_size;
    const rows = await listPairingCodesFor(deps, agent, { limit: limit + 1, after: q.cursor ? decodeCursor(q.cursor) : null });
    c.header("Cache-Control", "no-store");
    return c.json(pageOf(rows, limit, pairingStatusView));
  });

  routes.post(ROUTES.agentPairingCodeCancel, async (c) => {
    const agent = await loadAgentFor(deps.sql, c.get("user"), c.req.param("agent_id"));
    const codeId = c.req.param("code_id");
    if (!z.uuid().safeParse(codeId).success) throw HttpError.notFound("pairing code not found");
    await readJson(c, z.strictObject({}));
    return c.json(pairingStatusView(await cancelPairingCodeFor(deps, apiContext(c), agent, codeId)));
  });
  return routes;
}
