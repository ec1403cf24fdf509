import { z } from "zod";
import { UNTRUSTED_SCHEMA_KEY, type ToolDescriptor } from "@nodedc/shared";
import type { AnyToolDefinition } from "./tool-definition";

/**
 * A tool as clients see it (GET /api/v1/tools, the MCP tools/list, the snapshots and the
 * contract doc): JSON Schema 2020-12 generated from the zod schemas. Input schemas are
 * rendered as inputs (defaults make fields optional), output schemas as outputs.
 */
const cache = new WeakMap<AnyToolDefinition, ToolDescriptor>();

export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  return z.toJSONSchema(schema, { io, target: "draft-2020-12", unrepresentable: "throw" }) as Record<string, unknown>;
}

export function describeTool(def: AnyToolDefinition): ToolDescriptor {
  const hit = cache.get(def);
  if (hit) return hit;
  const descriptor: ToolDescriptor = {
    name: def.name,
    title: def.title,
    description: def.description,
    input_schema: jsonSchemaOf(def.inputSchema, "input"),
    output_schema: jsonSchemaOf(def.outputSchema, "output"),
    annotations: { title: def.title, ...def.annotations },
    scope: def.scope,
  };
  cache.set(def, descriptor);
  return descriptor;
}

/** Dotted paths (`card.title`, `comments[].body_markdown`) of every field marked untrusted. */
export function untrustedPaths(schema: unknown, prefix = ""): string[] {
  const out: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (!node || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    if (n[UNTRUSTED_SCHEMA_KEY] === true) {
      out.push(path);
      return;
    }
    for (const variant of [...((n.anyOf as unknown[]) ?? []), ...((n.oneOf as unknown[]) ?? []), ...((n.allOf as unknown[]) ?? [])]) walk(variant, path);
    if (n.items) walk(n.items, `${path}[]`);
    if (n.properties && typeof n.properties === "object") {
      for (const [k, v] of Object.entries(n.properties as Record<string, unknown>)) walk(v, path ? `${path}.${k}` : k);
    }
  };
  walk(schema, prefix);
  return [...new Set(out)];
}
