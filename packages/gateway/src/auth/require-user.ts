import type { MiddlewareHandler } from "hono";
import type { Sql } from "postgres";
import type { Logger } from "pino";
import { AGENT_TOKEN_PREFIX } from "@nodedc/shared";
import { HttpError } from "../http/http-error";
import type { GatewayEnv } from "../http/context";
import { upsertOwnerFromLogin } from "../owners/owner-store";
import { JwtRejected, type JwtVerifier, type LauncherRole } from "./launcher-jwt";
import { bearerCredential } from "./bearer";

export interface RequireUserOptions {
  verify: JwtVerifier;
  sql: Sql;
  logger: Logger;
  /** Roles allowed on the routes behind this middleware (default user and platform_admin). */
  roles?: readonly LauncherRole[];
}

/**
 * Internal routes: a Launcher JWT and nothing else. An agent token here is refused with
 * the same 401 as any bad credential. Users and admins are upserted as owners (sub, email).
 */
export function requireUser(options: RequireUserOptions): MiddlewareHandler<GatewayEnv> {
  const roles = new Set<LauncherRole>(options.roles ?? ["user", "platform_admin"]);
  return async function requireUserMiddleware(c, next) {
    const credential = bearerCredential(c);
    if (!credential || credential.startsWith(AGENT_TOKEN_PREFIX)) throw HttpError.unauthenticated();
    let user;
    try {
      user = await options.verify(credential);
    } catch (error) {
      if (error instanceof JwtRejected) {
        options.logger.info({ request_id: c.get("requestId"), reason: error.reason }, "launcher jwt rejected");
      }
      throw error instanceof HttpError ? error : HttpError.unauthenticated();
    }
    if (!roles.has(user.role)) throw HttpError.forbidden(`the ${user.role} role cannot call this endpoint`);
    if (user.role !== "service") await upsertOwnerFromLogin(options.sql, user.user_id, user.email);
    c.set("user", user);
    await next();
  };
}
