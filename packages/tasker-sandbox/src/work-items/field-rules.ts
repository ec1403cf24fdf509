/**
 * DRF field-level checks with DRF's exact messages. Each returns the clean value or an error
 * message list; callers collect them into `{"field": [...]}` maps (PLANE_API §4).
 */
import { normaliseBodyUuid } from "../http/uuid";

export type FieldResult<T> = { ok: true; value: T } | { ok: false; errors: unknown };

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = (message: string): FieldResult<never> => ({ ok: false, errors: [message] });

/** Python type names, as DRF puts them into "Incorrect type" messages. */
export function pythonTypeName(value: unknown): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "object") return "dict";
  return "str";
}

export function charField(
  value: unknown,
  opts: { maxLength?: number; allowNull?: boolean; allowBlank?: boolean },
): FieldResult<string | null> {
  if (value === null) return opts.allowNull ? ok(null) : fail("This field may not be null.");
  if (typeof value === "object" || typeof value === "boolean") return fail("Not a valid string.");
  const text = String(value);
  if (text.trim() === "" && !opts.allowBlank) return fail("This field may not be blank.");
  if (opts.maxLength !== undefined && text.length > opts.maxLength)
    return fail(`Ensure this field has no more than ${opts.maxLength} characters.`);
  return ok(text);
}

export function choiceField<T extends string>(value: unknown, choices: readonly T[]): FieldResult<T> {
  if (typeof value === "string" && (choices as readonly string[]).includes(value)) return ok(value as T);
  return fail(`"${String(value)}" is not a valid choice.`);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function dateField(value: unknown): FieldResult<string | null> {
  if (value === null) return ok(null);
  const message = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD.";
  if (typeof value !== "string") return fail(message);
  const m = DATE.exec(value);
  if (!m) return fail(message);
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) return fail(message);
  return ok(value);
}

export function dateTimeField(value: unknown): FieldResult<number> {
  const message =
    "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value)) return fail(message);
  const t = Date.parse(value);
  return Number.isNaN(t) ? fail(message) : ok(t);
}

/**
 * A PrimaryKeyRelatedField over a UUID pk. A string that is not a UUID makes Django raise
 * its own ValidationError, which Plane renders as `{"error":"Please provide valid detail"}`
 * (§4) — signalled here by `djangoValidationError`.
 */
export type PkResult = FieldResult<string> | { ok: false; djangoValidationError: true; errors?: undefined };

export function primaryKeyField(value: unknown, exists: (id: string) => boolean): PkResult {
  if (typeof value !== "string") return fail(`Incorrect type. Expected pk value, received ${pythonTypeName(value)}.`);
  const id = normaliseBodyUuid(value);
  if (id === null) return { ok: false, djangoValidationError: true };
  if (!exists(id)) return fail(`Invalid pk "${value}" - object does not exist.`);
  return ok(id);
}

/** DRF ListField(child=PrimaryKeyRelatedField): errors are keyed by index. */
export function primaryKeyListField(
  value: unknown,
  exists: (id: string) => boolean,
): FieldResult<string[]> | { ok: false; djangoValidationError: true; errors?: undefined } {
  if (!Array.isArray(value)) return fail(`Expected a list of items but got type "${pythonTypeName(value)}".`);
  const out: string[] = [];
  const errors: Record<string, unknown> = {};
  for (let i = 0; i < value.length; i++) {
    const r = primaryKeyField(value[i], exists);
    if (r.ok) out.push(r.value);
    else if ("djangoValidationError" in r) return r;
    else errors[String(i)] = r.errors;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return ok(out);
}
