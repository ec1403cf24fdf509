import type { Context } from "hono";
import { PlaneError } from "../http/plane-error";
import type { ApiKeyRecord, UserRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";
import { parseShape, type Shape } from "../serializers/shape";

/** What every endpoint handler receives once auth, permission and throttle have passed. */
export interface RequestContext {
  c: Context;
  store: SandboxStore;
  user: UserRecord;
  apiKey: ApiKeyRecord;
  params: Record<string, string>;
  query: Record<string, string>;
}

/**
 * What a handler produces; the dispatcher renders it once with every header (rate limit
 * included), so @hono/node-server can keep its fast path for plain Responses.
 */
export interface ApiResult {
  status: number;
  /** null → no body (204). */
  body: unknown;
}

export type EndpointHandler = (rc: RequestContext) => ApiResult | Promise<ApiResult>;

export function json(body: unknown, status = 200): ApiResult {
  return { status, body };
}

export function noContent(): ApiResult {
  return { status: 204, body: null };
}

export function shapeOf(rc: RequestContext): Shape {
  return parseShape(rc.query);
}

/**
 * DRF's parsing: no Content-Type or an empty body → {}; a non-JSON type → 415; broken JSON →
 * 400 "JSON parse error - …" (§4); a JSON non-object → the serializer's non-field error.
 */
export async function readJsonBody(rc: RequestContext): Promise<Record<string, unknown>> {
  const contentType = rc.c.req.header("content-type");
  // DRF Request._parse: without a Content-Type the body is not parsed at all → empty data.
  if (contentType === undefined || contentType === "") return {};
  const text = await rc.c.req.text();
  if (text.trim() === "") return {};
  if (!contentType.toLowerCase().includes("json"))
    throw PlaneError.unsupportedMediaType(contentType.split(";")[0]?.trim() ?? contentType);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw PlaneError.parseError(`JSON parse error - ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    const kind = Array.isArray(parsed) ? "list" : parsed === null ? "NoneType" : typeof parsed === "string" ? "str" : typeof parsed === "number" ? "int" : "bool";
    throw PlaneError.nonField(`Invalid data. Expected a dictionary, but got ${kind}.`);
  }
  return parsed as Record<string, unknown>;
}
