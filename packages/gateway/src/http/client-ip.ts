import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";

/** The caller's IP: the socket's, or the first X-Forwarded-For hop when TRUST_PROXY is on. */
export function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("X-Forwarded-For")?.split(",")[0]?.trim();
    if (forwarded) return forwarded.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown"; // in-process requests (app.request) have no socket
  }
}
