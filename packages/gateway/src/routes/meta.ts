import { Hono } from "hono";
import type { Sql } from "postgres";
import { LIMITS, ROUTES, SCOPES, TOOL_NAMES } from "@nodedc/shared";
import type { Config } from "../config/config";
import { loadMigrations, migrationsApplied, type Migration } from "../db/migrate";
import type { GatewayEnv } from "../http/context";
import type { Metrics } from "../observability/metrics";
import { buildOpenApi } from "../openapi/openapi";
import { renderDocsPage } from "../openapi/docs-page";
import { API_VERSION, GATEWAY_VERSION } from "../version";

export interface MetaRoutesDeps {
  sql: Sql;
  config: Config;
  metrics: Metrics;
  boot: { id: string; started_at: string };
}

/** Ops and discovery: healthz, readyz, capabilities, openapi.json, docs, metrics. */
export function metaRoutes(deps: MetaRoutesDeps): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  let migrations: Migration[] | null = null;
  let openapi: Record<string, unknown> | null = null;
  let docsPage: string | null = null;
  const openapiDoc = () => (openapi ??= buildOpenApi(GATEWAY_VERSION));

  routes.get(ROUTES.healthz, (c) =>
    c.json({ status: "ok", service: "nodedc-tasker-gateway", version: GATEWAY_VERSION, started_at: deps.boot.started_at, boot_id: deps.boot.id }),
  );

  routes.get(ROUTES.readyz, async (c) => {
    try {
      migrations ??= loadMigrations();
      const ready = await Promise.race([
        migrationsApplied(deps.sql, migrations),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("database timeout")), 2000).unref()),
      ]);
      if (ready) return c.json({ status: "ready", database: "ok", migrations: "applied" });
      return c.json({ status: "not_ready", database: "ok", migrations: "pending" }, 503);
    } catch {
      return c.json({ status: "not_ready", database: "unavailable" }, 503);
    }
  });

  routes.get(ROUTES.capabilities, (c) =>
    c.json({
      api_version: API_VERSION,
      gateway_version: GATEWAY_VERSION,
      tools: [...TOOL_NAMES],
      scopes: [...SCOPES],
      limits: {
        ...LIMITS,
        agent_rate_limit_per_min: deps.config.limits.agentPerMin,
        owner_rate_limit_per_min: deps.config.limits.ownerPerMin,
        pairing_rate_limit_per_ip_per_min: deps.config.limits.pairingPerIpPerMin,
      },
      mode: deps.config.mode === "sandbox" ? "sandbox" : deps.config.nodeEnv === "production" ? "production" : "development",
    }),
  );

  routes.get(ROUTES.openapi, (c) => c.json(openapiDoc()));
  routes.get(ROUTES.docs, (c) => c.html((docsPage ??= renderDocsPage(GATEWAY_VERSION, openapiDoc()))));

  routes.get(ROUTES.metrics, async (c) => {
    c.header("Content-Type", deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });
  return routes;
}
