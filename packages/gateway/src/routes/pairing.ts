import { Hono } from "hono";
import { pairingExchangeRequestSchema, ROUTES } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { clientIp } from "../http/client-ip";
import { readJson } from "../http/validate";
import { exchangePairingCode } from "../pairing/exchange";

/** Public: POST /pairing/exchange → 201 with the token, once, `Cache-Control: no-store`. */
export function pairingRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.post(ROUTES.pairingExchange, async (c) => {
    const body = await readJson(c, pairingExchangeRequestSchema);
    const answer = await exchangePairingCode(deps, { body, ip: clientIp(c, deps.config.trustProxy), requestId: c.get("requestId") });
    c.header("Cache-Control", "no-store");
    c.header("Pragma", "no-cache");
    return c.json(answer, 201);
  });
  return routes;
}
