import { cursorSchema } from "@nodedc/shared";
import { decodeCursor, type KeysetCursor } from "../http/cursor";

/**
 * The keyset position of a "load more" link. A page is something a person can edit in the
 * address bar, so a cursor the API did not hand out is not an error here: the first page.
 */
export function cursorFromQuery(value: string | null | undefined): KeysetCursor | null {
  if (!value || !cursorSchema.safeParse(value).success) return null;
  try {
    return decodeCursor(value);
  } catch {
    return null;
  }
}
