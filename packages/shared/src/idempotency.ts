import { z } from "zod";

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;
export { IDEMPOTENCY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from "./idempotency-headers";
export const idempotencyKeySchema = z
  .string()
  .regex(IDEMPOTENCY_KEY_PATTERN, "8–128 characters of [A-Za-z0-9._:-]")
  .describe("A unique key per intended change (8–128 chars of [A-Za-z0-9._:-]); reuse it only to retry the same change.");
export const IDEMPOTENCY_RETENTION_HOURS = 24;
