import { Hono, type MiddlewareHandler } from "hono";
import type { Sql } from "postgres";
import { ROUTES, setOwnerStatusRequestSchema, userIdSchema } from "@nodedc/shared";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import { readJson } from "../http/validate";
import type { RecordAudit } from "../audit/record-audit";
import { actorOf } from "../agents/agent-access";
import { applyOwnerStatus, getOwner } from "../owners/owner-store";

/** POST /owners/{user_id}/status (service or platform admin): immediate owner lifecycle change. */
export function ownerRoutes(deps: { sql: Sql; audit: RecordAudit; requireService: MiddlewareHandler<GatewayEnv> }): Hono<GatewayEnv> {
  const routes = new Hono<GatewayEnv>();
  routes.use(ROUTES.ownerStatus, deps.requireService);
  routes.post(ROUTES.ownerStatus, async (c) => {
    const user = c.get("user");
    const userId = c.req.param("user_id");
    if (!userIdSchema.safeParse(userId).success) throw HttpError.validation("path.user_id: 1–128 characters");
    const body = await readJson(c, setOwnerStatusRequestSchema);
    await applyOwnerStatus(deps.sql, userId, body.status, (tx, change) =>
      deps.audit.inTransaction(tx, {
        ...actorOf(user),
        owner_user_id: userId,
        action: "owner.status",
        outcome: "allowed",
        request_id: c.get("requestId"),
        details: {
          previous: { status: change.previous },
          status: body.status,
          ...(body.reason ? { reason: body.reason } : {}),
          revoked_agents: change.revokedAgents,
          revoked_tokens: change.revokedTokens,
        },
      }),
    );
    const owner = (await getOwner(deps.sql, userId))!;
    return c.json({
      user_id: owner.user_id,
      email: owner.email,
      status: owner.status,
      status_changed_at: owner.status_changed_at?.toISOString() ?? null,
    });
  });
  return routes;
}
