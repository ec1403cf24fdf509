import { z } from "zod";
import { LIMITS } from "./limits";
import { storableText } from "./text";

export const uuidSchema = z.uuid();

/**
 * The shape of a UUID (any version, either case): the one check for ids that arrive as
 * plain strings (path segments, stored details, arguments to normalise). Schemas of the
 * contract use `uuidSchema`.
 */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}
/** Launcher user ids are opaque strings, not necessarily UUIDs (DESIGN §5). */
export const userIdSchema = storableText().min(1).max(LIMITS.max_user_id_chars);
export const timestampSchema = z.iso.datetime({ offset: true });
export const cursorSchema = storableText().min(1).max(512);
export const pageLimitSchema = z.coerce.number().int().min(1).max(LIMITS.max_page_size);

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}
