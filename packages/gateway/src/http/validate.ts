import type { Context } from "hono";
import type { z } from "zod";
import { HttpError } from "./http-error";

/**
 * Request parsing: every zod failure — wrong types, unknown fields, malformed JSON — is a
 * 422 `validation_failed` whose details list each problem with its path.
 */
export function validationError(error: z.ZodError, where: "body" | "query" | "path"): HttpError {
  const issues = error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join("."), code: i.code, message: i.message }));
  const first = issues[0];
  return HttpError.validation(first ? `${first.path}: ${first.message}` : `invalid ${where}`, { issues });
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, where: "body" | "query" | "path"): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/** Reads a JSON body (an empty body is `{}`) and validates it. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.output<T>> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim() !== "") {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw HttpError.validation(`malformed JSON body: ${(e as Error).message}`, {
        issues: [{ path: "body", code: "invalid_json", message: "the body is not valid JSON" }],
      });
    }
  }
  return parseWith(schema, value, "body");
}

/** Validates the query string; repeated parameters are refused rather than silently merged. */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.output<T> {
  const all = c.req.queries();
  const flat: Record<string, string> = {};
  for (const [key, values] of Object.entries(all)) {
    if (values.length > 1) throw HttpError.validation(`query.${key}: give this parameter once`);
    flat[key] = values[0]!;
  }
  return parseWith(schema, flat, "query");
}
