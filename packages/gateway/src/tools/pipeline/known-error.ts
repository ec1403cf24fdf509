import { HttpError } from "../../http/http-error";
import { httpErrorFromTasker, type TaskerErrorAudience } from "../../http/tasker-error-mapping";
import { isTaskerError } from "../../tasker/errors";

/** A handler's failure as the caller sees it; null for an unexpected error (a 500). */
export function knownError(error: unknown, audience: TaskerErrorAudience): HttpError | null {
  if (error instanceof HttpError) return error;
  if (isTaskerError(error)) return httpErrorFromTasker(error, audience);
  return null;
}
