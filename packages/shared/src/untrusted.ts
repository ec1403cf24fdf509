/**
 * The untrusted-content envelope of DESIGN §4. Every free-text string that comes from
 * Tasker (or from another agent) reaches the model wrapped as
 * `<tasker-content untrusted="true">…</tasker-content>`, inside the structured result
 * itself. The content can never open or close that tag: anything that could be read as
 * the tag's opener — `<`, `&lt;`, numeric entities, `\u003c`, `%3C`, full-width and small
 * forms of `<` — followed (after spaces, `/`, invisible characters) by a name that reads as
 * "tasker-content" (any case, any dash or underscore, zero-width or soft-hyphen characters
 * in between) has its opener replaced by `[`, so it stays readable but is no longer a tag.
 */
export const UNTRUSTED_OPEN = '<tasker-content untrusted="true">';
export const UNTRUSTED_CLOSE = "</tasker-content>";

/** Characters a renderer or tokenizer may not show: zero-width, soft hyphen, bidi marks. */
const INVISIBLE = "[\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\uFEFF]*";
/** What may stand between `<`, `/` and the name: spaces, slashes, invisibles. */
const GAP = `(?:[\\s/\\\\]|${INVISIBLE.slice(0, -1)}|&(?:#0*47|#x0*2f|sol|nbsp);?)*`;
/** Openers: `<` and its encodings and look-alikes. */
const OPENER = "(?:<|&lt;?|&#0*60;?|&#x0*3c;?|\\\\u0*3c|\\\\x3c|%3c|\\uFF1C|\\uFE64|\\u2039|\\u2329|\\u3008|\\u27E8)";
/** Separators a human or model would read as the dash in "tasker-content". */
const DASH = `(?:[\\s\\-_.:\\u2010-\\u2015\\u2212\\uFE58\\uFE63\\uFF0D]|${INVISIBLE.slice(0, -1)})*`;

function spelled(word: string): string {
  // Each letter may be separated by invisible characters and may be written as an entity.
  return [...word].map((ch) => `(?:${ch}|&#0*${ch.charCodeAt(0)};?|&#x0*${ch.charCodeAt(0).toString(16)};?)`).join(INVISIBLE);
}

const TAG_SOURCE = `${OPENER}(?=${GAP}${spelled("tasker")}${DASH}${spelled("content")})`;
const TAG_LIKE = new RegExp(TAG_SOURCE, "giu");
const HAS_TAG_LIKE = new RegExp(TAG_SOURCE, "iu");

/** Neutralises every tag-like opener of `tasker-content` in the text; everything else is kept. */
export function escapeUntrusted(text: string): string {
  // NFKC folds full-width and compatibility letters (`ｔａｓｋｅｒ`) before matching; the
  // match positions are taken from the folded text, so we return the folded form only when
  // it actually contained a tag-like sequence that the raw text hid.
  const direct = text.replace(TAG_LIKE, "[");
  const folded = direct.normalize("NFKC");
  if (folded === direct || !HAS_TAG_LIKE.test(folded)) return direct;
  return folded.replace(TAG_LIKE, "[");
}

/** Wraps a Tasker string for an agent; `null`/`undefined` stay as they are. */
export function wrapUntrusted(text: string): string;
export function wrapUntrusted(text: string | null | undefined): string | null;
export function wrapUntrusted(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return UNTRUSTED_OPEN + escapeUntrusted(text) + UNTRUSTED_CLOSE;
}

/** True when the value is exactly one envelope whose content cannot open or close it. */
export function isWrappedUntrusted(value: string): boolean {
  if (!value.startsWith(UNTRUSTED_OPEN) || !value.endsWith(UNTRUSTED_CLOSE)) return false;
  const inner = value.slice(UNTRUSTED_OPEN.length, value.length - UNTRUSTED_CLOSE.length);
  return !HAS_TAG_LIKE.test(inner) && !HAS_TAG_LIKE.test(inner.normalize("NFKC"));
}

/** The content of an envelope (escapes are not undone). */
export function unwrapUntrusted(value: string): string {
  if (!value.startsWith(UNTRUSTED_OPEN) || !value.endsWith(UNTRUSTED_CLOSE)) return value;
  return value.slice(UNTRUSTED_OPEN.length, value.length - UNTRUSTED_CLOSE.length);
}

/** JSON Schema marker (`x-untrusted: true`) put on every untrusted field of an output schema. */
export const UNTRUSTED_SCHEMA_KEY = "x-untrusted";
