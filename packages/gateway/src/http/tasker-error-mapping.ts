import { HttpError } from "./http-error";
import type { TaskerError } from "../tasker/errors";

/** How a tool call frames the error: tool callers get a hint of what to do next. */
export type TaskerErrorAudience = "tool_read" | "tool_write" | "api";

/** Retry-After of a retryable Tasker failure when Tasker did not say. */
const DEFAULT_RETRY_AFTER_S = 5;

/**
 * The one mapping of adapter errors to the gateway's HttpError (DESIGN §7): tool calls and
 * the internal API (grant creation asks Tasker too) answer the same codes, with the same
 * Retry-After; only the hint differs.
 */
export function httpErrorFromTasker(error: TaskerError, audience: TaskerErrorAudience = "api"): HttpError {
  const forTools = audience !== "api";
  switch (error.code) {
    case "not_found":
      return HttpError.notFound(forTools ? `${error.message} Check the ids with describe_project or search_cards.` : error.message);
    case "tasker_rejected":
      return new HttpError("tasker_rejected", forTools ? `${error.message} Fix the arguments; retrying unchanged will fail again.` : error.message, error.details);
    case "forbidden":
      return new HttpError("forbidden", error.message, { reason: error.details?.reason ?? "tasker_forbidden" });
    case "tasker_unavailable": {
      const retryAfter = typeof error.details?.retry_after_s === "number" ? error.details.retry_after_s : DEFAULT_RETRY_AFTER_S;
      const hint =
        audience === "tool_write"
          ? " Retry with the SAME idempotency_key: the gateway reconciles, so the change is never applied twice."
          : forTools
            ? " Retry shortly."
            : "";
      return new HttpError(
        "tasker_unavailable",
        `${error.message}${error.retryable ? hint : ""}`,
        { tasker_status: error.status },
        error.retryable ? { "Retry-After": String(Math.max(1, Math.ceil(retryAfter))) } : {},
        error.retryable,
      );
    }
  }
}
