import { z } from "zod";

/**
 * Text the gateway can store. Postgres refuses NUL (U+0000) in `text` (22021) and in
 * `jsonb` (22P05), and a `\ud800` escape without its pair in `jsonb` (22P02); the UTF-8
 * encoder on the way there turns an unpaired surrogate into U+FFFD, so what is stored is
 * not what was sent. Every free-text field of every request is built from `storableText()`,
 * so such input is a 422 naming the field, never a 500 (DESIGN §9 rule 11).
 */
const NUL = "\u0000";
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const STORABLE_TEXT_MESSAGE = "must not contain NUL (U+0000) or an unpaired surrogate";

/** True when Postgres can store `value` in text and jsonb exactly as given. */
export function isStorableText(value: string): boolean {
  return !value.includes(NUL) && !UNPAIRED_SURROGATE.test(value);
}

/** The base of every free-text request field: a string Postgres can store unchanged. */
export function storableText() {
  return z.string().refine(isStorableText, STORABLE_TEXT_MESSAGE);
}

/**
 * The same text made storable instead of refused, for what must be written whatever it
 * holds (audit events): NUL and unpaired surrogates become U+FFFD, the replacement
 * character, so an event always commits and a reader still sees where the bad byte was.
 */
export function toStorableText(value: string): string {
  if (isStorableText(value)) return value;
  return value.replaceAll(NUL, "\uFFFD").replace(new RegExp(UNPAIRED_SURROGATE.source, "g"), "\uFFFD");
}

/**
 * The first `max` code points of `value`: a cut never splits a surrogate pair (a
 * UTF-16 cut would leave half an emoji, which is no longer storable text).
 */
export function truncateCodePoints(value: string, max: number): string {
  if (value.length <= max) return value;
  let units = 0;
  let points = 0;
  for (const ch of value) {
    if (points === max) break;
    units += ch.length;
    points++;
  }
  return value.slice(0, units);
}
