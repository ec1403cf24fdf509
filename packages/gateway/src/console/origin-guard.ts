import type { MiddlewareHandler } from "hono";
import { HttpError } from "../http/http-error";
import type { ConsoleEnv } from "./console-env";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * CSRF defence for every state-changing console request: it must come from the gateway's
 * own origin (PUBLIC_URL). The browser says so in `Origin`; but because console pages are
 * served with `Referrer-Policy: no-referrer`, a plain form post carries `Origin: null`, and
 * then the browser's `Sec-Fetch-Site: same-origin` (a header no page can set) is the
 * proof instead. Anything else — another origin, another port of the same host (same-site
 * is not same-origin), no signal at all — is refused with 403. `extraOrigins` lets the
 * sign-in route accept Launcher's own form post.
 */
export function originGuard(ownOrigin: string, extraOrigins: (path: string) => readonly string[] = () => []): MiddlewareHandler<ConsoleEnv> {
  return async function originGuardMiddleware(c, next) {
    if (!SAFE_METHODS.has(c.req.method) && !isSameOrigin(c.req.header("origin"), c.req.header("sec-fetch-site"), ownOrigin, extraOrigins(c.req.path))) {
      throw HttpError.forbidden("cross-origin request refused: console forms must be sent from the console itself");
    }
    await next();
  };
}

export function isSameOrigin(origin: string | undefined, fetchSite: string | undefined, ownOrigin: string, extra: readonly string[]): boolean {
  if (origin !== undefined && origin !== "null") return origin === ownOrigin || extra.includes(origin);
  return fetchSite === "same-origin";
}
