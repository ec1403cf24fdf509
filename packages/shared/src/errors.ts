import { z } from "zod";

/** Stable error codes of DESIGN §7: code → HTTP status and whether a retry can help. */
export const ERROR_CODES = {
  unauthenticated: { status: 401, retryable: false },
  forbidden: { status: 403, retryable: false },
  owner_inactive: { status: 403, retryable: false },
  agent_paused: { status: 403, retryable: false },
  project_not_granted: { status: 403, retryable: false },
  scope_missing: { status: 403, retryable: false },
  not_found: { status: 404, retryable: false },
  tool_not_found: { status: 404, retryable: false },
  validation_failed: { status: 422, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  idempotency_key_required: { status: 400, retryable: false },
  idempotency_key_invalid: { status: 400, retryable: false },
  idempotency_key_reused: { status: 422, retryable: false },
  idempotency_in_progress: { status: 409, retryable: true },
  pairing_code_invalid: { status: 400, retryable: false },
  rate_limited: { status: 429, retryable: true },
  tasker_unavailable: { status: 503, retryable: true },
  tasker_rejected: { status: 422, retryable: false },
  internal: { status: 500, retryable: true },
} as const satisfies Record<string, { status: number; retryable: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export const errorCodeSchema = z.enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]]);

export const errorBodySchema = z.object({
  error: z.object({
    code: errorCodeSchema,
    message: z.string(),
    request_id: z.string(),
    retryable: z.boolean(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}
