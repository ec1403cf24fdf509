import { Hono } from "hono";
import { pairingExchangeRequestSchema, ROUTES } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { clientIp } from "../http/client-ip";
import { isClientAbort } from "../http/client-abort";
import { readJson } from "../http/validate";
import { exchangePairingCode, refuseMalformedExchange } from "../pairing/exchange";

/** Public: POST /pairing/exchange → 201 with the token, once, `Cache-Control: no-store`. */
export function pairingRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.post(ROUTES.pairingExchange, async (c) => {
    const ip = clientIp(c, deps.config.trustProxy);
    const requestId = c.get("requestId");
    const body = await readJson(c, pairingExchangeRequestSchema).catch(async (refusal: unknown) => {
      if (isClientAbort(refusal)) throw refusal; // a client gone mid-body attempted nothing
      return refuseMalformedExchange(deps, { rawBody: await c.req.text().catch(() => ""), ip, requestId }, refusal);
    });
    const answer = await exchangePairingCode(deps, { body, ip, requestId });
    c.header("Cache-Control", "no-store");
    c.header("Pragma", "no-cache");
    return c.json(answer, 201);
  });
  return routes;
}
