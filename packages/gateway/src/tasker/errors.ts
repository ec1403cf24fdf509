/**
 * The one error type of the Tasker adapter. The gateway maps `code` onto its own HttpError
 * (DESIGN §7): tasker_unavailable → 503, tasker_rejected → 422, not_found → 404,
 * forbidden → 403. `details` never carries a secret: Plane's error bodies are sanitised
 * (bounded size, the service key scrubbed) before they are attached.
 */

export type TaskerErrorCode = "tasker_unavailable" | "tasker_rejected" | "not_found" | "forbidden";

export interface TaskerErrorOptions {
  /** HTTP status Tasker answered with; 0 when no answer arrived (network, timeout, budget). */
  status: number;
  details?: Record<string, unknown>;
  retryable?: boolean;
  cause?: unknown;
}

export class TaskerError extends Error {
  override readonly name = "TaskerError";
  readonly code: TaskerErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;
  /** The same call may succeed later unchanged (Tasker down, throttled, timed out). */
  readonly retryable: boolean;

  constructor(code: TaskerErrorCode, message: string, options: TaskerErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.details = options.details;
    this.retryable = options.retryable ?? code === "tasker_unavailable";
  }
}

export function isTaskerError(value: unknown): value is TaskerError {
  return value instanceof TaskerError;
}

/** Ops-facing message for a key Tasker does not accept (PLANE_API §1: 403 "Given API token is not valid"). */
export const INVALID_SERVICE_KEY_MESSAGE =
  "Tasker rejected the gateway's service key: check TASKER_API_KEY (the key is invalid, expired or inactive). This is an operator problem, not the caller's.";

/** What the failed call was about, so the message can name it. */
export interface ResponseContext {
  /** Adapter operation, e.g. `getWorkItem`. */
  operation: string;
  /** Human description of the target, e.g. `project 0b…` or `work item DEMO-12`. */
  target: string;
  /** True when the route is scoped to a project (a 403 then means the key cannot see it). */
  projectScoped: boolean;
  /** Seconds from a Retry-After header, when present. */
  retryAfterS?: number | undefined;
}

const MAX_STRING = 500;
const MAX_ARRAY = 20;
const MAX_KEYS = 30;
const MAX_DEPTH = 4;

/**
 * Bounds an untrusted JSON value (Plane's error body) so it can travel in `details`:
 * long strings are cut, big arrays and objects trimmed, depth limited, and the service key
 * replaced wherever it might have been echoed.
 */
export function sanitizeErrorBody(value: unknown, secret?: string): unknown {
  const walk = (v: unknown, depth: number): unknown => {
    if (v === null || typeof v === "number" || typeof v === "boolean") return v;
    if (typeof v === "string") {
      const scrubbed = secret && secret.length >= 8 ? v.split(secret).join("[redacted]") : v;
      return scrubbed.length > MAX_STRING ? `${scrubbed.slice(0, MAX_STRING)}…` : scrubbed;
    }
    if (depth >= MAX_DEPTH) return "[truncated]";
    if (Array.isArray(v)) return v.slice(0, MAX_ARRAY).map((x) => walk(x, depth + 1));
    if (typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>).slice(0, MAX_KEYS)) {
        out[k.slice(0, 100)] = walk(x, depth + 1);
      }
      return out;
    }
    return undefined;
  };
  return walk(value, 0);
}

function detailOf(body: unknown): string | undefined {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const d = (body as Record<string, unknown>).detail ?? (body as Record<string, unknown>).error;
    if (typeof d === "string") return d;
  }
  return undefined;
}

/** Plane's "the key itself is bad" answers: 401 without credentials, 403 with this detail. */
export function isServiceKeyRejection(status: number, body: unknown): boolean {
  if (status === 401) return true;
  if (status !== 403) return false;
  const d = detailOf(body);
  return d !== undefined && /api token is not valid|authentication credentials/i.test(d);
}

/** Plane's answer for a URL no route matches (PLANE_API §4) — used to detect Plane ≤ 1.0. */
export function isPageNotFound(status: number, body: unknown): boolean {
  return status === 404 && detailOf(body) === "Page not found.";
}

/**
 * Maps a non-2xx Tasker answer to a TaskerError (PLANE_API §1, §4). `body` is the parsed
 * JSON body, or undefined when it was not JSON.
 */
export function taskerErrorFromResponse(status: number, body: unknown, ctx: ResponseContext, secret?: string): TaskerError {
  const tasker = body === undefined ? undefined : sanitizeErrorBody(body, secret);
  const base = { operation: ctx.operation, tasker_status: status, ...(tasker === undefined ? {} : { tasker }) };

  if (isServiceKeyRejection(status, body)) {
    return new TaskerError("tasker_unavailable", INVALID_SERVICE_KEY_MESSAGE, {
      status,
      details: { ...base, reason: "service_key_rejected" },
      retryable: false,
    });
  }
  if (status === 403) {
    const message = ctx.projectScoped
      ? `Tasker refused access to ${ctx.target}: the gateway's service key cannot see this project (it does not exist, or the service user is not a member of it). This is an operator problem: add the service user to the project in Tasker.`
      : `Tasker refused ${ctx.operation} on ${ctx.target}: the gateway's service user lacks permission there. This is an operator problem.`;
    return new TaskerError("forbidden", message, { status, details: { ...base, reason: "service_key_cannot_see" } });
  }
  if (status === 404) {
    return new TaskerError("not_found", `Tasker has no ${ctx.target} (or it is archived, draft or deleted).`, {
      status,
      details: base,
    });
  }
  if (status === 429) {
    const retry = ctx.retryAfterS ?? 60;
    return new TaskerError("tasker_unavailable", `Tasker is throttling the gateway; retry in about ${retry} s.`, {
      status,
      details: { ...base, retry_after_s: retry },
    });
  }
  if (status === 400 || status === 409 || status === 422 || status === 413) {
    return new TaskerError("tasker_rejected", `Tasker rejected ${ctx.operation} on ${ctx.target}; see details.tasker for its reasons.`, {
      status,
      details: base,
    });
  }
  if (status >= 500) {
    return new TaskerError("tasker_unavailable", `Tasker failed (HTTP ${status}) during ${ctx.operation}; retry later.`, {
      status,
      details: base,
    });
  }
  // 3xx (a redirect means a path bug or a proxy in the way), 405, other 4xx: Tasker does
  // not behave like the Plane API the adapter was written for.
  return new TaskerError(
    "tasker_unavailable",
    `Tasker answered ${ctx.operation} with unexpected HTTP ${status}; check TASKER_API_URL and the Tasker version.`,
    { status, details: base, retryable: false },
  );
}
