/**
 * fast-check arbitraries for hostile values: strings the database refuses (NUL, lone
 * surrogates), strings that look like markup, paths or envelopes, huge strings, wrong
 * types, and values shaped by a JSON Schema (valid, near-valid or off by one field) so
 * the fuzzer gets past validation into the handlers.
 */
import fc from "fast-check";

type Json = Record<string, unknown>;

/** Strings that have broken gateways before, or could. */
export const NASTY_STRINGS: readonly string[] = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  `${"a".repeat(250)}\u0000`,
  "\uD800",
  "x\uDFFFy",
  "\uDBFF\uDBFF",
  "😀",
  `${"a".repeat(119)}😀`,
  "e\u0301\u0301\u0301",
  "\u202Eevil\u202C",
  "\u200B\u200D\uFEFF",
  "\u2800",
  "%00",
  "%zz",
  "%ED%A0%80",
  "\\u0000",
  "null",
  "true",
  "-0",
  "1e309",
  "NaN",
  "'; DROP TABLE agents; --",
  "\" OR 1=1 --",
  "<script>alert(1)</script>",
  "</tasker-content><tasker-content untrusted=\"false\">",
  "<tasker\u2011content>",
  "../../etc/passwd",
  "http://169.254.169.254/latest/meta-data/",
  "file:///etc/passwd",
  "DEMO-1",
  "DEMO-0",
  "DEMO-99999999999999999999",
  "demo-1",
  "SECRET-1",
  "-1",
  "9".repeat(40),
  "BCDF-GHJK",
  "bcdfghjk",
  "ndca_" + "A".repeat(46),
  "__proto__",
  "constructor",
  "\r\nSet-Cookie: x=1",
  "\t\n\r",
  "x".repeat(129),
  "x".repeat(501),
  "x".repeat(10_001),
];

/** Every UTF-16 unit, so lone surrogates and control characters show up. */
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

/** Units Postgres refuses in text or jsonb (NUL, unpaired surrogates) and other odd ones. */
const HOSTILE_UNITS = ["\u0000", "\u0000", "\uD800", "\uDFFF", "\u0007", "\uFFFE", "\u001B"];

/** `text` with one hostile unit at a random place (so a prefix check or a cut misses it). */
export function withHostileUnit(text: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(text, fc.nat(), fc.constantFrom(...HOSTILE_UNITS)).map(([t, at, bad]) => {
    const i = t.length === 0 ? 0 : at % (t.length + 1);
    return `${t.slice(0, i)}${bad}${t.slice(i)}`;
  });
}

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: withHostileUnit(fc.string({ minLength: 1, maxLength: 30 })) },
  { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: anyUnit, maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  // a valid-looking text with one hostile unit at a random place (past any prefix check)
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 600 }), fc.constantFrom("\u0000", "\uD800", "\uDC00", "\u0007", "\uFFFE"))
      .map(([at, bad]) => `${"s".repeat(at)}${bad}tail`),
  },
  // huge: past every field limit, some near the 256 KiB body limit
  { weight: 1, arbitrary: fc.constantFrom(100_000, 200_000, 270_000).map((n) => "h".repeat(n)) },
);

export const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, [], {}, [null], { "": "" }, [[[[[]]]]]),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

/** Values the gateway knows (fixture ids, agents made during the run), keyed by field name. */
export interface Pools {
  uuids: () => string[];
  byField: Record<string, () => unknown[]>;
}

const UNKNOWN_FIELDS = ["is_admin", "owner_user_id", "role", "scopes", "url", "__proto__", "constructor", "extra", "project_id", "id", ""];

/**
 * An arbitrary for a JSON Schema node: mostly valid (so the call gets far), sometimes a
 * nasty value of the right type, sometimes the wrong type. `depth` bounds recursion.
 */
export function fromSchema(schema: Json | undefined, pools: Pools, field = "", depth = 0, strict = false): fc.Arbitrary<unknown> {
  const valid = validFor(schema ?? {}, pools, field, depth, strict);
  if (strict) return valid;
  return fc.oneof(
    { weight: 14, arbitrary: valid },
    { weight: 3, arbitrary: nastyString },
    { weight: 1, arbitrary: wrongType },
  );
}

/** `strict`: only values the schema accepts (a well-formed call, to reach the handler). */
function validFor(schema: Json, pools: Pools, field: string, depth: number, strict: boolean): fc.Arbitrary<unknown> {
  const pooled = pools.byField[field];
  const known = pooled ? fc.constant(null).chain(() => fc.constantFrom(...withFallback(pooled()))) : null;
  const own = ownValue(schema, pools, field, depth, strict);
  if (known && strict) return known;
  return known ? fc.oneof({ weight: 3, arbitrary: known }, { weight: 1, arbitrary: own }) : own;
}

function withFallback(values: unknown[]): unknown[] {
  return values.length > 0 ? values : [null];
}

function ownValue(schema: Json, pools: Pools, field: string, depth: number, strict: boolean): fc.Arbitrary<unknown> {
  if (depth > 4) return fc.constant(null);
  const alternatives = (schema.anyOf ?? schema.oneOf) as Json[] | undefined;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => validFor(s, pools, field, depth + 1, strict)));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length) return fc.constantFrom(...(schema.enum as unknown[]));
  const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : (schema.type as string | undefined);
  switch (type) {
    case "object":
      return objectFor(schema, pools, depth, strict);
    case "array": {
      const items = (schema.items as Json | undefined) ?? {};
      const max = Math.min(Number(schema.maxItems ?? 4), 4);
      if (strict) return fc.array(fromSchema(items, pools, `${field}[]`, depth + 1, true), { minLength: Number(schema.minItems ?? 0), maxLength: Math.max(max, Number(schema.minItems ?? 0)) });
      return fc.oneof(
        { weight: 5, arbitrary: fc.array(fromSchema(items, pools, `${field}[]`, depth + 1), { maxLength: max }) },
        { weight: 1, arbitrary: fc.array(fc.constant(null).chain(() => fc.constantFrom(...withFallback(pools.uuids()))), { minLength: max + 1, maxLength: max + 3 }) },
      );
    }
    case "integer":
    case "number": {
      const min = typeof schema.minimum === "number" ? schema.minimum : -10;
      const max = typeof schema.maximum === "number" ? schema.maximum : 1000;
      if (strict) return fc.integer({ min, max });
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min - 1, max + 1, 0, -1, 2 ** 31, 0.5));
    }
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "string":
      return stringFor(schema, pools, strict);
    default:
      return fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null));
  }
}

function stringFor(schema: Json, pools: Pools, strict: boolean): fc.Arbitrary<string> {
  if (schema.format === "uuid") return fc.oneof({ weight: 3, arbitrary: fc.constant(null).chain(() => fc.constantFrom(...(withFallback(pools.uuids()) as string[]))) }, { weight: 1, arbitrary: fc.uuid() });
  const date = fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === "date-time" && strict) return date;
  if (schema.format === "date-time")
    return fc.oneof(
      fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom("2026-13-40T25:61:61Z", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z", "yesterday"),
    );
  if (typeof schema.pattern === "string") {
    try {
      return fc.stringMatching(new RegExp(schema.pattern), { size: "small" });
    } catch {
      /* a pattern fast-check cannot invert: fall through to plain text */
    }
  }
  const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : 200;
  const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
  const words = fc.array(fc.constantFrom("fix", "the", "login", "bug", "ship", "v2", "café", "🙂", "<b>x</b>", "`code`"), { minLength: 1, maxLength: 8 }).map((w) => w.join(" "));
  if (strict) {
    const valid = fc.oneof(words, fc.string({ minLength: Math.max(minLength, 1), maxLength: Math.min(maxLength, 40) }).filter((t) => t.trim().length >= Math.max(minLength, 1))).map((t) => t.slice(0, maxLength - 1));
    // near-valid: right length and shape, one unit the database refuses
    return fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: withHostileUnit(valid) });
  }
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength: Math.max(minLength, 1), maxLength: Math.min(maxLength, 60) }) },
    { weight: 1, arbitrary: fc.constant("w".repeat(maxLength)) },
    { weight: 1, arbitrary: fc.constant("w".repeat(maxLength + 1)) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: Math.min(maxLength, 30) }) },
  );
}

function objectFor(schema: Json, pools: Pools, depth: number, strict: boolean): fc.Arbitrary<Record<string, unknown>> {
  const props = (schema.properties as Record<string, Json> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const entries = Object.entries(props).map(([name, sub]) =>
    fc.tuple(
      fc.constant(name),
      // required fields are there 95% of the time, optional ones half
      fc.integer({ min: 0, max: 99 }).map((n) => (strict ? required.has(name) || n < 35 : n < (required.has(name) ? 95 : 50))),
      fromSchema(sub, pools, name, depth + 1, strict),
    ),
  );
  const extra = fc.oneof(
    { weight: 9, arbitrary: fc.constant([] as [string, unknown][]) },
    { weight: 1, arbitrary: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...UNKNOWN_FIELDS), fc.string({ maxLength: 10 })), wrongType), { maxLength: 2 }) },
  );
  return fc.tuple(fc.tuple(...entries), strict ? fc.constant([] as [string, unknown][]) : extra).map(([fields, extras]) => {
    const out: Record<string, unknown> = {};
    for (const [name, present, value] of fields) if (present) out[name] = value;
    for (const [name, value] of extras) {
      // "__proto__" as an own key, the way JSON.parse would make it
      Object.defineProperty(out, name, { value, enumerable: true, configurable: true, writable: true });
    }
    return out;
  });
}
