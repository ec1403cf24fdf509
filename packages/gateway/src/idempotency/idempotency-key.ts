import { IDEMPOTENCY_KEY_PATTERN } from "@nodedc/shared";
import { HttpError } from "../http/http-error";

/**
 * The key a write call runs under (DESIGN §8): the `idempotency_key` argument or the
 * `Idempotency-Key` header, one of them, or both equal. The caller refuses with `error`.
 */
export type KeyResolution = { ok: true; key: string } | { ok: false; error: HttpError };

export function resolveIdempotencyKey(argument: unknown, header: string | undefined): KeyResolution {
  if (argument !== undefined && typeof argument !== "string") {
    return refuse("idempotency_key_invalid", "idempotency_key must be a string of 8–128 characters of [A-Za-z0-9._:-]");
  }
  if (typeof argument === "string" && header !== undefined && argument !== header) {
    return refuse("idempotency_key_invalid", "the Idempotency-Key header and the idempotency_key argument differ; send one key");
  }
  const key = argument ?? header ?? "";
  if (key === "") {
    return refuse("idempotency_key_required", "write tools need an idempotency_key (argument or Idempotency-Key header): a fresh one per intended change");
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) return refuse("idempotency_key_invalid", "idempotency_key must be 8–128 characters of [A-Za-z0-9._:-]");
  return { ok: true, key };
}

function refuse(code: "idempotency_key_invalid" | "idempotency_key_required", message: string): KeyResolution {
  return { ok: false, error: new HttpError(code, message) };
}
