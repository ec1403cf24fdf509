import { errorBodySchema, type ErrorBody } from "@nodedc/shared";

/** Parses a gateway error response (throws when the body is not the §7 error shape). */
export async function errorOf(res: Response): Promise<ErrorBody["error"] & { status: number }> {
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { ...errorBodySchema.parse(parsed).error, status: res.status };
}

/** The JSON body, typed loosely for assertions. */
export async function jsonOf<T = Record<string, any>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}
