import { Hono, type MiddlewareHandler } from "hono";
import type { Sql } from "postgres";
import { ROUTES, setOwnerStatusRequestSchema, userIdSchema } from "@nodedc/shared";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import { readJson } from "../http/validate";
import type { RecordAudit } from "../audit/record-audit";
import { apiContext } from "../agents/action-context";
import { setOwnerStatusFor } from "../owners/owner-service";

/** POST /owners/{user_id}/status (service or platform admin): immediate owner lifecycle change. */
export function ownerRoutes(deps: { sql: Sql; audit: RecordAudit; requireService: MiddlewareHandler<GatewayEnv> }): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.use(ROUTES.ownerStatus, deps.requireService);
  routes.post(ROUTES.ownerStatus, async (c) => {
    const userId = c.req.param("user_id");
    if (!userIdSchema.safeParse(userId).success) throw HttpError.validation("path.user_id: 1–128 characters");
    const body = await readJson(c, setOwnerStatusRequestSchema);
    const owner = await setOwnerStatusFor(deps, apiContext(c), userId, body.status, body.reason);
    return c.json({
      user_id: owner.user_id,
      email: owner.email,
      status: owner.status,
      status_changed_at: owner.status_changed_at?.toISOString() ?? null,
    });
  });
  return routes;
}
