import { z } from "zod";
import { storableText } from "./text";
import { cursorSchema, listOf, pageLimitSchema, timestampSchema, userIdSchema, uuidSchema } from "./api-common";

export const AUDIT_OUTCOMES = ["allowed", "denied", "replayed", "failed"] as const;
export const auditOutcomeSchema = z.enum(AUDIT_OUTCOMES);
export const ACTOR_TYPES = ["agent", "user", "service", "system", "anonymous"] as const;

export const auditEventSchema = z.object({
  id: uuidSchema,
  occurred_at: timestampSchema,
  actor_type: z.enum(ACTOR_TYPES),
  actor_user_id: userIdSchema.nullable(),
  agent_id: uuidSchema.nullable(),
  owner_user_id: userIdSchema.nullable(),
  token_id: uuidSchema.nullable(),
  project_id: uuidSchema.nullable(),
  action: z.string(),
  tool: z.string().nullable(),
  outcome: auditOutcomeSchema,
  error_code: z.string().nullable(),
  request_id: z.string(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof auditEventSchema>;
export const auditEventListSchema = listOf(auditEventSchema);

export const auditQuerySchema = z.strictObject({
  agent_id: uuidSchema.optional(),
  project_id: uuidSchema.optional(),
  action: storableText().min(1).max(64).optional(),
  outcome: auditOutcomeSchema.optional(),
  since: timestampSchema.optional(),
  cursor: cursorSchema.optional(),
  limit: pageLimitSchema.optional(),
});
