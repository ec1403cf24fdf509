/**
 * Every non-2xx answer of the sandbox, with the exact bodies real Plane sends (PLANE_API §1, §4).
 * Handlers throw; `renderPlaneError` turns it into a Response in one place.
 */
export type PlaneErrorBody = Record<string, unknown>;

export class PlaneError extends Error {
  constructor(
    readonly status: number,
    readonly body: PlaneErrorBody | null,
    readonly headers: Record<string, string> = {},
  ) {
    super(`plane ${status}`);
    this.name = "PlaneError";
  }

  /** No X-Api-Key header: DRF NotAuthenticated, upgraded to 401 by Plane's handler (§1). */
  static notAuthenticated(): PlaneError {
    return new PlaneError(401, { detail: "Authentication credentials were not provided." });
  }

  /** Unknown, inactive or expired key: AuthenticationFailed without WWW-Authenticate → 403 (§1). */
  static invalidToken(): PlaneError {
    return new PlaneError(403, { detail: "Given API token is not valid" });
  }

  static permissionDenied(): PlaneError {
    return new PlaneError(403, { detail: "You do not have permission to perform this action." });
  }

  /** Unmatched URL, including a non-UUID path id (§4, `app/views/error_404.py`). */
  static pageNotFound(): PlaneError {
    return new PlaneError(404, { error: "Page not found." });
  }

  /** Model.DoesNotExist (§4). */
  static doesNotExist(): PlaneError {
    return new PlaneError(404, { error: "The requested resource does not exist." });
  }

  static methodNotAllowed(method: string): PlaneError {
    return new PlaneError(405, { detail: `Method "${method}" not allowed.` });
  }

  /** DRF ParseError (bad JSON, bad pagination params). */
  static parseError(detail: string): PlaneError {
    return new PlaneError(400, { detail });
  }

  static validation(errors: Record<string, string[]>): PlaneError {
    return new PlaneError(400, errors);
  }

  static nonField(message: string): PlaneError {
    return new PlaneError(400, { non_field_errors: [message] });
  }

  static conflict(error: string, id: string): PlaneError {
    return new PlaneError(409, { error, id });
  }

  static forbiddenError(error: string): PlaneError {
    return new PlaneError(403, { error });
  }

  /** §1: body of Plane's throttle handler; DRF sets an integer Retry-After. */
  static rateLimited(retryAfterSeconds: number): PlaneError {
    return new PlaneError(
      429,
      { error_code: 5900, error_message: "RATE_LIMIT_EXCEEDED" },
      { "Retry-After": String(retryAfterSeconds) },
    );
  }

  static serverError(): PlaneError {
    return new PlaneError(500, { error: "Something went wrong please try again later" });
  }

  static unsupportedMediaType(contentType: string): PlaneError {
    return new PlaneError(415, { detail: `Unsupported media type "${contentType}" in request.` });
  }
}

export const SERVER_ERROR_BODY = { error: "Something went wrong please try again later" } as const;

export function renderPlaneError(error: PlaneError, extraHeaders: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { ...extraHeaders, ...error.headers };
  if (error.body === null) return new Response(null, { status: error.status, headers });
  headers["Content-Type"] = "application/json";
  return new Response(JSON.stringify(error.body), { status: error.status, headers });
}
