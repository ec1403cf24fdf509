/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Context, ErrorHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { Logger } from "pino";
import { renderError, toHttpError } from "../http/on-error";
import { HttpError } from "../http/http-error";
import type { ConsoleEnv } from "./console-env";
import { MessagePage } from "./pages/message-page";

const TITLES: Partial<Record<number, string>> = { 401: "Signed out", 403: "Not allowed", 404: "Not found", 413: "Too large", 422: "Check the form", 429: "Slow down" };

/**
 * Console errors as pages (or the API's JSON body for the live-status poll). The same
 * HttpError codes as the API; a 404 never says whether an agent exists for someone else.
 */
export function consoleOnError(logger: Logger): ErrorHandler<ConsoleEnv> {
  return (error, c) => {
    const known = toHttpError(error);
    if (!known) logger.error({ err: error, request_id: c.get("requestId"), path: c.req.path }, "console: unhandled error");
    const httpError = known ?? HttpError.internal("something went wrong on our side; try again, and quote the request id if it persists");
    return renderConsoleError(c, httpError);
  };
}

export function renderConsoleError(c: Context<ConsoleEnv>, error: HttpError): Response | Promise<Response> {
  if (c.req.header("accept")?.includes("application/json")) return renderError(c, error);
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  const nonce = c.get("cspNonce") ?? "";
  const message = error.status === 404 ? "There is nothing here, or it is not yours to see." : error.message;
  return c.html(
    <MessagePage nonce={nonce} user={c.get("consoleSession")?.user ?? null} title={TITLES[error.status] ?? "Something went wrong"} message={message} requestId={c.get("requestId")} />,
    error.status as ContentfulStatusCode,
  );
}
