import { ERROR_CODES, type ErrorCode } from "@nodedc/shared";

/**
 * The gateway's one error type (STYLE rule 5): a stable code of DESIGN §7, a message a
 * human or an agent can act on, optional details and extra headers (Retry-After…).
 * Rendered by the single onError in http/on-error.ts.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
    retryable?: boolean,
  ) {
    super(message);
    this.name = "HttpError";
    this.status = ERROR_CODES[code].status;
    this.retryable = retryable ?? ERROR_CODES[code].retryable;
  }

  /** The same error with `extra` headers under its own (its Retry-After wins). */
  withHeaders(extra: Record<string, string>): HttpError {
    return new HttpError(this.code, this.message, this.details, { ...extra, ...this.headers }, this.retryable);
  }

  /** One body for missing, malformed, unknown, revoked and expired credentials. */
  static unauthenticated(message = "authentication required: present a valid bearer credential"): HttpError {
    return new HttpError("unauthenticated", message);
  }
  static forbidden(message = "you may not do this"): HttpError {
    return new HttpError("forbidden", message);
  }
  static ownerInactive(): HttpError {
    return new HttpError("owner_inactive", "the owner of this agent is not active; ask them to contact the platform administrator");
  }
  static agentPaused(): HttpError {
    return new HttpError("agent_paused", "this agent is paused by its owner; ask the owner to resume it");
  }
  static notFound(message = "not found"): HttpError {
    return new HttpError("not_found", message);
  }
  static validation(message: string, details?: unknown): HttpError {
    return new HttpError("validation_failed", message, details);
  }
  static payloadTooLarge(limitBytes: number): HttpError {
    // The unread rest of the body makes the connection unusable: tell the client not to reuse it.
    return new HttpError("payload_too_large", `request body exceeds ${limitBytes} bytes`, { limit_bytes: limitBytes }, { Connection: "close" });
  }
  static pairingCodeInvalid(): HttpError {
    return new HttpError(
      "pairing_code_invalid",
      "this pairing code is not valid: it may be mistyped, already used or expired; ask the owner for a new code",
    );
  }
  static rateLimited(retryAfterS: number, details?: unknown): HttpError {
    const seconds = Math.max(1, Math.ceil(retryAfterS));
    return new HttpError("rate_limited", `too many requests; retry after ${seconds} s`, details, { "Retry-After": String(seconds) });
  }
  static internal(message = "internal error", retryable = true): HttpError {
    return new HttpError("internal", message, undefined, {}, retryable);
  }
}
