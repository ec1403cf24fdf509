import { Hono, type MiddlewareHandler } from "hono";
import type { Sql } from "postgres";
import { auditQuerySchema, LIMITS, ROUTES } from "@nodedc/shared";
import type { GatewayEnv } from "../http/context";
import { readQuery } from "../http/validate";
import { decodeCursor, pageOf } from "../http/cursor";
import { auditView, listAuditEventsFor } from "../audit/audit-query";

/** GET /audit-events: owners see events of their own agents, platform admins everything. */
export function auditRoutes(deps: { sql: Sql; requireUser: MiddlewareHandler<GatewayEnv> }): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.use(ROUTES.auditEvents, deps.requireUser);
  routes.get(ROUTES.auditEvents, async (c) => {
    const user = c.get("user");
    const q = readQuery(c, auditQuerySchema);
    const limit = q.limit ?? LIMITS.default_page_size;
    const rows = await listAuditEventsFor(deps.sql, user.role === "platform_admin" ? null : user.user_id, {
      agentId: q.agent_id,
      projectId: q.project_id,
      action: q.action,
      outcome: q.outcome,
      since: q.since,
      after: q.cursor ? decodeCursor(q.cursor) : null,
      limit: limit + 1,
    });
    return c.json(pageOf(rows, limit, auditView));
  });
  return routes;
}
