/**
 * The untrusted-content envelope of DESIGN §4. Every free-text string that comes from
 * Tasker (or from another agent) reaches the model wrapped as
 * `<tasker-content untrusted="true">…</tasker-content>`, inside the structured result
 * itself. The content can never open or close that tag: anything that could be read as
 * the tag's opener — `<`, `&lt;`, numeric entities, `\u003c`, `%3C`, full-width and small
 * forms of `<` and its look-alikes (`˂ ᐸ ❮ ‹ ⟨ 〈 «`, …) — followed (after spaces, `/`,
 * invisible characters, combining marks) by a name that reads as "tasker-content" (any
 * case; Cyrillic and Greek look-alike letters; any dash, underscore or markdown
 * backslash escape; zero-width, braille-blank, filler or soft-hyphen characters in
 * between) has its opener replaced by `[`, so it stays readable but is no longer a tag.
 */
export const UNTRUSTED_OPEN = '<tasker-content untrusted="true">';
export const UNTRUSTED_CLOSE = "</tasker-content>";

/**
 * Characters a renderer or tokenizer may not show: zero-width, soft hyphen, bidi marks,
 * fillers, the braille blank, variation selectors, tag characters, and combining marks
 * (`\p{M}`: `a\u0301`, `<\u0338`), which ride on the character before them.
 */
const INVISIBLE_CLASS =
  "[\\p{M}\\u00AD\\u034F\\u061C\\u115F\\u1160\\u17B4\\u17B5\\u180B-\\u180F\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u206F\\u2800\\u3164\\uFE00-\\uFE0F\\uFEFF\\uFFA0\\u{E0000}-\\u{E007F}]";
const INVISIBLE = `${INVISIBLE_CLASS}*`;
/** What may stand between `<`, `/` and the name: spaces, slashes, invisibles. */
const GAP = `(?:[\\s/\\\\]|${INVISIBLE_CLASS}|&(?:#0*47|#x0*2f|sol|nbsp);?)*`;
/** Characters drawn like `<` (confusables and ornaments of the less-than sign). */
const LOOKALIKE_OPENERS = "\\u00AB\\u02C2\\u02F1\\u1438\\u2039\\u2329\\u276C\\u276E\\u2770\\u27E8\\u29FC\\u3008\\u300A\\uFE64\\uFF1C";
/** Openers: `<` and its encodings and look-alikes. */
const OPENER = `(?:<|[${LOOKALIKE_OPENERS}]|&lt;?|&#0*60;?|&#x0*3c;?|\\\\u0*3c|\\\\x3c|%3c)`;
/** Separators a human or model would read as the dash in "tasker-content" (turndown writes `\_`). */
const DASH = `(?:[\\s\\-_.:\\\\\\u2010-\\u2015\\u2212\\uFE58\\uFE63\\uFF0D]|${INVISIBLE_CLASS})*`;
/** Cyrillic, Greek and small-capital letters drawn like the letters of the tag's name. */
const LOOKALIKE_LETTERS: Record<string, string> = {
  t: "тТτΤᴛ",
  a: "аАαΑɑᴀ",
  s: "ѕЅꜱ",
  k: "кКκΚᴋ",
  e: "еЕεΕᴇ",
  r: "гᴦʀ",
  c: "сСϲϹᴄ",
  o: "оОοΟᴏσ",
  n: "пΝηոɴ",
};

function spelled(word: string): string {
  // Each letter may be a look-alike or an entity, and be followed by invisible characters.
  return [...word]
    .map((ch) => `(?:[${ch}${LOOKALIKE_LETTERS[ch] ?? ""}]|&#0*${ch.charCodeAt(0)};?|&#x0*${ch.charCodeAt(0).toString(16)};?)`)
    .join(INVISIBLE);
}

const TAG_SOURCE = `${OPENER}(?=${GAP}${spelled("tasker")}${DASH}${spelled("content")})`;
const TAG_LIKE = new RegExp(TAG_SOURCE, "giu");
const HAS_TAG_LIKE = new RegExp(TAG_SOURCE, "iu");
/**
 * Every character an opener can start with, before or after compatibility decomposition
 * (`＜ ﹤ ≮` decompose to `<`; `＆ ﹠`, `％ ﹪`, `＼ ﹨` to the starts of encoded openers).
 * Text without any of them cannot hold a tag: most strings skip the matching entirely.
 */
const MAY_OPEN = new RegExp(`[<&%\\\\${LOOKALIKE_OPENERS}\\u226E\\uFE60\\uFF06\\uFE6A\\uFF05\\uFE68\\uFF3C]`, "u");

/** Neutralises every tag-like opener of `tasker-content` in the text; everything else is kept. */
export function escapeUntrusted(text: string): string {
  if (!MAY_OPEN.test(text)) return text;
  // NFKD folds full-width and mathematical letters (`ｔａｓｋｅｒ`, `𝐭𝐚𝐬𝐤𝐞𝐫`) and splits
  // accented letters into letter + combining mark before matching. The match positions
  // are taken from the folded text, so the folded form (recomposed, NFC) is returned only
  // when it held a tag-like sequence that the raw text hid.
  const direct = text.replace(TAG_LIKE, "[");
  const folded = direct.normalize("NFKD");
  if (folded === direct || !HAS_TAG_LIKE.test(folded)) return direct;
  return folded.replace(TAG_LIKE, "[").normalize("NFC");
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
  if (!MAY_OPEN.test(inner)) return true;
  return !HAS_TAG_LIKE.test(inner) && !HAS_TAG_LIKE.test(inner.normalize("NFKD"));
}

/** The content of an envelope (escapes are not undone). */
export function unwrapUntrusted(value: string): string {
  if (!value.startsWith(UNTRUSTED_OPEN) || !value.endsWith(UNTRUSTED_CLOSE)) return value;
  return value.slice(UNTRUSTED_OPEN.length, value.length - UNTRUSTED_CLOSE.length);
}

/** JSON Schema marker (`x-untrusted: true`) put on every untrusted field of an output schema. */
export const UNTRUSTED_SCHEMA_KEY = "x-untrusted";
