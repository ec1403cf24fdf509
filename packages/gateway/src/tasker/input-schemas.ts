/**
 * What the adapter accepts from its callers before anything goes to Tasker. Ids must be
 * UUIDs, names bounded; a caller mistake is refused as tasker_rejected with zero requests.
 */

import { z } from "zod";
import { UUID_PATTERN } from "@nodedc/shared";
import { TaskerError } from "./errors.js";

const uuid = z.string().regex(UUID_PATTERN, "must be a UUID");
const priority = z.enum(["urgent", "high", "medium", "low", "none"]);
const externalRef = z.string().min(1).max(255);
/** Plane's name column is 255 chars and required (PLANE_API §3). */
const name = z.string().trim().min(1).max(255);
const html = z.string().max(1_000_000);

export const createWorkItemInputSchema = z.object({
  name,
  description_html: html.optional(),
  state_id: uuid.optional(),
  priority: priority.optional(),
  label_ids: z.array(uuid).max(100).optional(),
  assignee_ids: z.array(uuid).max(100).optional(),
  parent_id: uuid.optional(),
  external_source: externalRef,
  external_id: externalRef,
});

export const updateWorkItemInputSchema = z.object({
  name: name.optional(),
  description_html: html.optional(),
  state_id: uuid.optional(),
  priority: priority.optional(),
  label_ids: z.array(uuid).max(100).optional(),
  assignee_ids: z.array(uuid).max(100).optional(),
});

export const createCommentInputSchema = z.object({
  comment_html: html.min(1),
  external_source: externalRef,
  external_id: externalRef,
});

export const externalRefSchema = z.object({ external_source: externalRef, external_id: externalRef });

export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown, operation: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new TaskerError("tasker_rejected", `Invalid input for ${operation}; nothing was sent to Tasker.`, {
    status: 0,
    details: {
      operation,
      reason: "invalid_input",
      issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.map(String).join("."), message: i.message })),
    },
  });
}
