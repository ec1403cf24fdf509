import { z } from "zod";
import { ERROR_CODES, errorBodySchema } from "@nodedc/shared";
import { ROUTE_DOCS, type RouteDoc } from "./route-docs";

/** OpenAPI 3.1 generated from the shared zod contract (z.toJSONSchema, zod 4). */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

/** `/agents/:agent_id` → `/agents/{agent_id}` */
export function openApiPath(path: string): string {
  return path.replace(/:([a-z_]+)/g, "{$1}");
}

function operation(doc: RouteDoc): Record<string, unknown> {
  const params = [...doc.path.matchAll(/:([a-z_]+)/g)].map((m) => ({
    name: m[1],
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const query = doc.query ? toJsonSchema(doc.query, "input") : null;
  const queryParams = query
    ? Object.entries((query.properties as Record<string, unknown>) ?? {}).map(([name, schema]) => ({
        name,
        in: "query",
        required: ((query.required as string[] | undefined) ?? []).includes(name),
        schema,
      }))
    : [];
  const success: Record<string, unknown> = { description: doc.summary };
  if (doc.response) success.content = { "application/json": { schema: toJsonSchema(doc.response, "output") } };
  else if (doc.contentType) success.content = { [doc.contentType]: { schema: { type: "string" } } };
  return {
    summary: doc.summary,
    ...(doc.who ? { description: `Who: ${doc.who}` } : {}),
    ...(doc.auth === "none" ? { security: [] } : { security: [{ [doc.auth]: [] }] }),
    parameters: [...params, ...queryParams],
    ...(doc.body ? { requestBody: { required: false, content: { "application/json": { schema: toJsonSchema(doc.body, "input") } } } } : {}),
    responses: {
      [String(doc.status)]: success,
      default: { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
    },
  };
}

export function buildOpenApi(version: string, docs: RouteDoc[] = ROUTE_DOCS): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of docs) {
    const path = openApiPath(doc.path);
    paths[path] ??= {};
    paths[path]![doc.method] = operation(doc);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "nodedc-tasker gateway",
      version,
      description:
        "Agent gateway in front of Tasker. Internal routes take a Launcher JWT; agent routes take an agent token (ndca_…). " +
        `Error codes: ${Object.keys(ERROR_CODES).join(", ")}.`,
    },
    paths,
    components: {
      securitySchemes: {
        launcher_jwt: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        agent_token: { type: "http", scheme: "bearer", bearerFormat: "ndca_ agent token" },
      },
      schemas: { Error: toJsonSchema(errorBodySchema, "output") },
    },
  };
}
