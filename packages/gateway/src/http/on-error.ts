import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { LIMITS, type ErrorBody } from "@nodedc/shared";
import type { Logger } from "pino";
import { mapDbError, sqlStateOf } from "../db/errors";
import { HttpError } from "./http-error";
import { isTaskerError } from "../tasker/errors";
import { CLIENT_CLOSED_REQUEST, isClientAbort } from "./client-abort";
import { httpErrorFromTasker } from "./tasker-error-mapping";

/** The ONE place errors become responses: `{"error":{code,message,request_id,retryable,details?}}`. */
export function renderError(c: Context, error: HttpError): Response {
  const body: ErrorBody = {
    error: {
      code: error.code,
      message: error.message,
      request_id: c.get("requestId") ?? "unknown",
      retryable: error.retryable,
      ...(error.details !== undefined ? { details: error.details } : {}),
    },
  };
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  c.header("Cache-Control", "no-store");
  return c.json(body, error.status as ContentfulStatusCode);
}

export function toHttpError(error: unknown): HttpError | null {
  if (error instanceof HttpError) return error;
  if (isTaskerError(error)) return httpErrorFromTasker(error);
  if (error instanceof HTTPException) {
    if (error.status === 413) return HttpError.payloadTooLarge(LIMITS.max_body_bytes);
    if (error.status === 400) return HttpError.validation(error.message || "malformed request");
    if (error.status === 401) return HttpError.unauthenticated();
    if (error.status === 404) return HttpError.notFound();
    return null;
  }
  if (error instanceof SyntaxError) return HttpError.validation(`malformed request: ${error.message}`);
  const mapped = mapDbError(error);
  return mapped && mapped.code !== "internal" ? mapped : null;
}

export function onError(logger: Logger): ErrorHandler {
  return (error, c) => {
    if (isClientAbort(error)) {
      // No one is left to read an answer; the access line and the metrics say 499.
      logger.warn({ request_id: c.get("requestId"), path: c.req.path, code: (error as { code?: string }).code }, "client closed the request");
      return c.body(null, CLIENT_CLOSED_REQUEST as never);
    }
    const known = toHttpError(error);
    if (known) {
      if (known.status >= 500) logger.error({ err: error, request_id: c.get("requestId") }, "request failed");
      return renderError(c, known);
    }
    logger.error(
      { err: error, sqlstate: sqlStateOf(error) ?? undefined, request_id: c.get("requestId"), path: c.req.path },
      "unhandled error",
    );
    return renderError(c, mapDbError(error) ?? HttpError.internal("an internal error occurred; retry, and report the request id if it persists"));
  };
}

export const notFound: NotFoundHandler = (c) => renderError(c, HttpError.notFound(`no route ${c.req.method} ${c.req.path}`));
