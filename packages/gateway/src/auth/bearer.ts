import type { Context } from "hono";

/** The credential of `Authorization: Bearer <credential>`, or null. No I/O, no logging. */
export function bearerCredential(c: Context): string | null {
  const header = c.req.header("Authorization");
  if (!header) return null;
  const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}
