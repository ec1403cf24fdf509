import type { z } from "zod";

/**
 * Every string schema inside a zod schema, with its path (`title`, `client.name`,
 * `label_ids[]`). Contract tests probe each leaf on its own: a property of every field
 * holds for fields added later without anyone listing them.
 */
export interface StringLeaf {
  path: string;
  schema: z.ZodType;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

export function stringLeaves(schema: z.ZodType, path = "", out: StringLeaf[] = [], seen = new Set<z.ZodType>()): StringLeaf[] {
  const def = defOf(schema);
  const at = (name: string) => (path ? `${path}.${name}` : name);
  switch (def.type) {
    case "string":
      out.push({ path: path || "(value)", schema });
      break;
    case "object":
      for (const [name, sub] of Object.entries(def.shape ?? {})) stringLeaves(sub, at(name), out, seen);
      break;
    case "array":
      stringLeaves(def.element!, `${path}[]`, out, seen);
      break;
    case "record":
      stringLeaves(def.keyType!, `${path}{key}`, out, seen);
      stringLeaves(def.valueType!, `${path}{}`, out, seen);
      break;
    case "union":
      for (const option of def.options ?? []) stringLeaves(option, path, out, seen);
      break;
    case "intersection":
      stringLeaves(def.left!, path, out, seen);
      stringLeaves(def.right!, path, out, seen);
      break;
    case "pipe":
      stringLeaves(def.in!, path, out, seen);
      break;
    case "lazy":
      // a recursive schema is walked once
      if (!seen.has(schema)) {
        seen.add(schema);
        stringLeaves(def.getter!(), path, out, seen);
      }
      break;
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "nonoptional":
    case "readonly":
    case "catch":
      stringLeaves(def.innerType!, path, out, seen);
      break;
    default:
      break; // numbers, booleans, enums, literals, unknown: no free text
  }
  return out;
}
