import { createHmac } from "node:crypto";

/** A Launcher JWT (HS256, DESIGN §6) for the internal API, as Launcher would sign it. */
export function launcherJwt(secret: string, claims: { sub: string; email: string; role: "user" | "platform_admin" | "service"; iss?: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const payload = { iss: claims.iss ?? "nodedc-launcher", aud: "nodedc-agent-gateway", sub: claims.sub, email: claims.email, role: claims.role, iat: now, exp: now + 600 };
  const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}
