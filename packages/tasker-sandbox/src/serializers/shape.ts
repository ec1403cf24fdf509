/**
 * `fields=` (sparse fieldset; unknown names ignored silently) and `expand=` (PLANE_API §3).
 * Expansion happens only for fields that are in the output, as in Plane's BaseSerializer.
 */
export interface Shape {
  fields: ReadonlySet<string> | null;
  expand: ReadonlySet<string>;
}

export const FULL_SHAPE: Shape = { fields: null, expand: new Set() };

function csv(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function parseShape(query: Record<string, string>): Shape {
  const fields = csv(query.fields);
  const expand = csv(query.expand);
  if (fields.length === 0 && expand.length === 0) return FULL_SHAPE;
  return { fields: fields.length > 0 ? new Set(fields) : null, expand: new Set(expand) };
}

export type Expanders = Record<string, (value: unknown) => unknown>;

/** Applies expansion then the sparse fieldset to a full serialized object. */
export function applyShape(full: Record<string, unknown>, shape: Shape, expanders: Expanders): Record<string, unknown> {
  if (shape === FULL_SHAPE) return full;
  let out = full;
  if (shape.fields) {
    out = {};
    for (const key of Object.keys(full)) if (shape.fields.has(key)) out[key] = full[key];
  }
  for (const key of shape.expand) {
    const expander = expanders[key];
    if (expander && Object.hasOwn(out, key)) out[key] = expander(out[key]);
  }
  return out;
}
