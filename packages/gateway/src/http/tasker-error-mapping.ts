import { HttpError } from "../http/http-error";
import { isTaskerError, type TaskerError } from "../tasker/errors";

/**
 * Adapter errors → the gateway's HttpError (DESIGN §7), with a message that tells the
 * agent what to do next.
 */
export function httpErrorFromTasker(error: TaskerError, write: boolean): HttpError {
  switch (error.code) {
    case "not_found":
      return HttpError.notFound(`${error.message} Check the ids with describe_project or search_cards.`);
    case "tasker_rejected":
      return new HttpError("tasker_rejected", `${error.message} Fix the arguments; retrying unchanged will fail again.`, error.details);
    case "forbidden":
      return new HttpError("forbidden", error.message, { reason: error.details?.reason ?? "tasker_forbidden" });
    case "tasker_unavailable": {
      const retryAfter = typeof error.details?.retry_after_s === "number" ? error.details.retry_after_s : 5;
      const hint = write ? " Retry with the SAME idempotency_key: the gateway reconciles, so the change is never applied twice." : " Retry shortly.";
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

/** True when Tasker may have applied a write although we got no clear answer. */
export function isAmbiguousWriteFailure(error: unknown): boolean {
  if (isTaskerError(error)) return error.code === "tasker_unavailable";
  return !(error instanceof HttpError);
}
