import { z } from "zod";
import { HttpError } from "./http-error";

/**
 * Opaque keyset cursors: base64url of `{ts, id}` where ts keeps the database's microseconds
 * (a millisecond Date would skip rows that share a millisecond).
 */
const cursorPayload = z.object({ ts: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/), id: z.uuid() });
export type KeysetCursor = z.infer<typeof cursorPayload>;

export function encodeCursor(position: KeysetCursor): string {
  return Buffer.from(JSON.stringify({ ts: position.ts, id: position.id })).toString("base64url");
}

export function decodeCursor(cursor: string): KeysetCursor {
  try {
    return cursorPayload.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
  } catch {
    throw HttpError.validation("query.cursor: not a cursor this API returned", {
      issues: [{ path: "query.cursor", code: "invalid_cursor", message: "not a cursor this API returned" }],
    });
  }
}

/** `{items, next_cursor}` from a page fetched with limit + 1 rows. */
export function pageOf<R extends { cursor_ts: string; id: string }, T>(rows: R[], limit: number, view: (r: R) => T): { items: T[]; next_cursor: string | null } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page.at(-1);
  return { items: page.map(view), next_cursor: more && last ? encodeCursor({ ts: last.cursor_ts, id: last.id }) : null };
}
