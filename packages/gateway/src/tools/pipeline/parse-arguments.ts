import { isUuid } from "@nodedc/shared";
import { HttpError } from "../../http/http-error";
import { validationError } from "../../http/validate";
import { resolveIdempotencyKey } from "../../idempotency/idempotency-key";
import { isWriteTool, type AnyToolDefinition } from "../tool-definition";
import { Denial } from "./denial";

export interface ParsedArguments {
  args: Record<string, unknown>;
  /** The idempotency key of a write call (argument or header); null for reads. */
  key: string | null;
}

/** Step 4, parse: the write key (argument or header), then the tool's input schema. */
export function parseArguments(tool: AnyToolDefinition, raw: Record<string, unknown>, headerKey: string | undefined): ParsedArguments {
  let input = raw;
  let key: string | null = null;
  if (isWriteTool(tool)) {
    const resolved = resolveIdempotencyKey(raw.idempotency_key, headerKey);
    if (!resolved.ok) throw new Denial(resolved.error);
    key = resolved.key;
    input = { ...raw, idempotency_key: key };
  }
  const parsed = tool.inputSchema.safeParse(input);
  if (!parsed.success) {
    const base = validationError(parsed.error, "body");
    const issues = parsed.error.issues.map((i) => ({ path: ["arguments", ...i.path.map(String)].join("."), code: i.code, message: i.message }));
    throw new Denial(HttpError.validation(`${issues[0]?.path ?? "arguments"}: ${issues[0]?.message ?? base.message}`, { issues }), {
      issues: issues.slice(0, 10).map((i) => i.path),
    });
  }
  return { args: normalizeIds(parsed.data as Record<string, unknown>), key };
}

const ID_FIELDS = new Set(["project_id", "card", "card_id", "state_id", "parent_id", "assignee_id", "label_id", "label_ids", "assignee_ids"]);

/** UUIDs are case-insensitive; Tasker's URLs and our comparisons use the lower-case form. */
function normalizeIds(args: Record<string, unknown>): Record<string, unknown> {
  const lower = (v: unknown) => (isUuid(v) ? v.toLowerCase() : v);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) out[k] = !ID_FIELDS.has(k) ? v : Array.isArray(v) ? v.map(lower) : lower(v);
  return out;
}
