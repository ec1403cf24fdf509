import { PlaneError } from "../http/plane-error";

/**
 * Plane's OffsetPaginator (`utils/paginator.py`, PLANE_API §3 "Pagination").
 * Cursor = "per_page:page:is_prev". Quirk: the offset is page × the `per_page` QUERY param;
 * the first number of the cursor is ignored, so clients must resend `per_page` with every cursor.
 */
export const DEFAULT_PER_PAGE = 1000;
export const MAX_PER_PAGE = 1000;

export interface PageRequest {
  perPage: number;
  page: number;
}

export interface PageEnvelope<T> {
  grouped_by: null;
  sub_grouped_by: null;
  total_count: number;
  next_cursor: string;
  prev_cursor: string;
  next_page_results: boolean;
  prev_page_results: boolean;
  count: number;
  total_pages: number;
  total_results: number;
  extra_stats: null;
  results: T[];
}

const INTEGER = /^[+-]?\d+$/;

export function parsePageRequest(query: Record<string, string | undefined>): PageRequest {
  let perPage = DEFAULT_PER_PAGE;
  const rawPerPage = query.per_page;
  if (rawPerPage !== undefined) {
    if (!INTEGER.test(rawPerPage.trim())) throw PlaneError.parseError("Invalid per_page parameter.");
    perPage = Number.parseInt(rawPerPage, 10);
  }
  if (perPage > MAX_PER_PAGE) throw PlaneError.parseError(`Invalid per_page value. Cannot exceed ${MAX_PER_PAGE}.`);
  // per_page ≤ 0 makes Plane divide by zero; the sandbox answers a clean 400 instead.
  if (perPage <= 0) throw PlaneError.parseError("Invalid per_page parameter.");

  let page = 0;
  const rawCursor = query.cursor;
  if (rawCursor !== undefined) {
    const bits = rawCursor.split(":");
    const numeric = /^[+-]?\d+(\.\d+)?$/;
    if (bits.length !== 3 || !numeric.test(bits[0] as string) || !INTEGER.test(bits[1] as string) || !INTEGER.test(bits[2] as string))
      throw PlaneError.parseError("Invalid cursor parameter.");
    page = Number.parseInt(bits[1] as string, 10);
    if (page < 0) throw PlaneError.parseError("Error in parsing");
  }
  return { perPage, page };
}

/** Builds the envelope for one page of an already ordered list. */
export function paginateList<S, T>(items: readonly S[], req: PageRequest, map: (item: S) => T): PageEnvelope<T> {
  return paginateWindow(items.length, req, (offset, limit) => items.slice(offset, offset + limit).map(map));
}

/** Same envelope when the caller can fetch a window cheaply (e.g. reverse iteration). */
export function paginateWindow<T>(
  total: number,
  req: PageRequest,
  fetch: (offset: number, limit: number) => T[],
): PageEnvelope<T> {
  const { perPage, page } = req;
  const offset = page * perPage;
  const results = offset < total ? fetch(offset, perPage) : [];
  return {
    grouped_by: null,
    sub_grouped_by: null,
    total_count: total,
    next_cursor: `${perPage}:${page + 1}:0`,
    prev_cursor: `${perPage}:${page - 1}:1`,
    next_page_results: offset + perPage < total,
    prev_page_results: page > 0,
    count: results.length,
    total_pages: Math.ceil(total / perPage),
    total_results: total,
    extra_stats: null,
    results,
  };
}
