import { randomBytes } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { ConsoleEnv } from "./console-env";

/**
 * Headers of every console response (DESIGN §13): a strict CSP whose only script is the
 * console's own file carrying this response's nonce, no framing, no referrer, no caching
 * (pages show who holds which credentials), no MIME sniffing.
 */
export function consoleSecurityHeaders(): MiddlewareHandler<ConsoleEnv> {
  return async function consoleSecurityHeadersMiddleware(c, next) {
    const nonce = randomBytes(16).toString("base64");
    c.set("cspNonce", nonce);
    await next();
    c.header(
      "Content-Security-Policy",
      [
        "default-src 'none'",
        `script-src 'nonce-${nonce}'`,
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ].join("; "),
    );
    c.header("X-Frame-Options", "DENY");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cross-Origin-Opener-Policy", "same-origin");
    c.header("Cross-Origin-Resource-Policy", "same-origin");
    if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
  };
}
