import { Hono } from "hono";
import { userIdSchema } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import { HttpError } from "../http/http-error";
import { setOwnerStatusFor } from "../owners/owner-service";
import { getOwner } from "../owners/owner-store";
import type { ConsoleEnv } from "./console-env";
import { CONSOLE_PATH } from "./console-auth";
import { consoleContext } from "./console-context";
import { field, readForm, submitOnce } from "./form-submission";

/**
 * Platform admins block or reactivate an owner (the owner-status service of the API).
 * Annulment stays with Launcher: it revokes for good and has no place behind one click.
 * Anyone else gets the same 404 as for a path that does not exist.
 */
export function adminRoutes(deps: GatewayDeps): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>();
  routes.post(`${CONSOLE_PATH}/owners/:user_id/status`, async (c) => {
    if (c.get("consoleSession").user.role !== "platform_admin") throw HttpError.notFound();
    const userId = c.req.param("user_id") ?? "";
    if (!userIdSchema.safeParse(userId).success || !(await getOwner(deps.sql, userId))) throw HttpError.notFound("owner not found");
    const form = await readForm(c);
    return submitOnce(deps.sql, c, form, async () => {
      const status = field(form, "status");
      if (status !== "active" && status !== "blocked") throw HttpError.validation("choose block or reactivate");
      await setOwnerStatusFor(deps, consoleContext(c), userId, status, "set in the owner console");
      return { redirect: `${CONSOLE_PATH}?notice=${status === "blocked" ? "owner_blocked" : "owner_reactivated"}` };
    });
  });
  return routes;
}
