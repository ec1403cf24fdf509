import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HttpError } from "./http-error";

/**
 * The request body limit (413 `payload_too_large`). A body with a Content-Length (and no
 * Transfer-Encoding) is judged by that header alone: Node's HTTP parser never delivers
 * more bytes than it announces, and not touching `c.req.raw.body` spares @hono/node-server
 * from building a full web Request for every call (the body is then read through its fast
 * path). Only chunked bodies are counted while streaming, by hono's bodyLimit.
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
  const tooLarge = () => {
    throw HttpError.payloadTooLarge(maxBytes);
  };
  const streaming = bodyLimit({ maxSize: maxBytes, onError: tooLarge });
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next();
    const length = c.req.header("content-length");
    if (length !== undefined && c.req.header("transfer-encoding") === undefined) {
      if (Number.parseInt(length, 10) > maxBytes) tooLarge();
      return next();
    }
    return streaming(c, next);
  };
}
