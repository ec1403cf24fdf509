/**
 * Plane re-parses and sanitises `description_html` / `comment_html` (§3). This is a small,
 * conservative version: it drops script-like elements, event-handler attributes and
 * `javascript:` URLs, and turns empty input into Plane's `<p></p>`.
 */
const DANGEROUS_ELEMENTS = /<\s*(script|style|iframe|object|embed)\b[^>]*>[\s\S]*?<\s*\/\s*\1\s*>/gi;
const LONE_DANGEROUS_TAGS = /<\s*\/?\s*(script|style|iframe|object|embed)\b[^>]*>/gi;
const EVENT_ATTRS = /\s+on[a-z]+\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)/gi;
const JS_URLS = /(href|src)\s*=\s*("|')\s*javascript:[^"']*\2/gi;

export const EMPTY_HTML = "<p></p>";

export function sanitizeHtml(html: string): string {
  const trimmed = html.trim();
  if (trimmed === "") return EMPTY_HTML;
  const clean = trimmed
    .replace(DANGEROUS_ELEMENTS, "")
    .replace(LONE_DANGEROUS_TAGS, "")
    .replace(EVENT_ATTRS, "")
    .replace(JS_URLS, '$1=$2#$2');
  return clean.trim() === "" ? EMPTY_HTML : clean;
}

/** Plain text of an HTML fragment (used for search-free display values). */
export function stripHtml(html: string): string {
  return html.replace(/<[^>]*>/g, "").trim();
}
