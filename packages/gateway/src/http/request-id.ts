import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";

export const REQUEST_ID_HEADER = "X-Request-Id";
const ACCEPTED = /^[A-Za-z0-9._:-]{8,128}$/;

/** Keeps a caller's sane X-Request-Id (for tracing across Launcher and CLI), else makes one. */
export function requestId(): MiddlewareHandler {
  return async function requestIdMiddleware(c, next) {
    const given = c.req.header(REQUEST_ID_HEADER);
    const id = given && ACCEPTED.test(given) ? given : `req_${randomUUID().replaceAll("-", "")}`;
    c.set("requestId", id);
    c.header(REQUEST_ID_HEADER, id);
    await next();
  };
}
