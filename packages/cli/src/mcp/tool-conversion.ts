import type { Tool } from "@modelcontextprotocol/sdk/types.js";

/** A gateway tool descriptor (`GET /api/v1/tools`, DESIGN §3), loosely typed: validated here. */
export interface GatewayToolDescriptor {
  name: string;
  title?: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  output_schema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  scope?: string;
}

const ANNOTATION_KEYS = ["title", "readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const;

function objectSchema(schema: unknown): (Record<string, unknown> & { type: "object" }) | null {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return null;
  const s = schema as Record<string, unknown>;
  if (s.type !== undefined && s.type !== "object") return null;
  return { ...s, type: "object" };
}

/** Gateway descriptor → MCP `Tool`. Returns null for entries that are not usable tools. */
export function toMcpTool(descriptor: unknown): Tool | null {
  const d = descriptor as GatewayToolDescriptor | null;
  if (!d || typeof d.name !== "string" || !/^[A-Za-z0-9_.-]{1,128}$/.test(d.name)) return null;
  const annotations: Record<string, unknown> = {};
  for (const key of ANNOTATION_KEYS) {
    const value = d.annotations?.[key];
    if (value !== undefined) annotations[key] = value;
  }
  if (d.title && annotations.title === undefined) annotations.title = d.title;
  const outputSchema = objectSchema(d.output_schema);
  const tool: Tool = {
    name: d.name,
    ...(d.title ? { title: d.title } : {}),
    description: d.description ?? d.title ?? d.name,
    inputSchema: objectSchema(d.input_schema) ?? { type: "object", properties: {} },
    ...(outputSchema ? { outputSchema } : {}),
    annotations,
  };
  return tool;
}

export function toMcpTools(body: unknown): Tool[] | null {
  const list = (body as { tools?: unknown } | null)?.tools;
  if (!Array.isArray(list)) return null;
  return list.map(toMcpTool).filter((t): t is Tool => t !== null);
}
