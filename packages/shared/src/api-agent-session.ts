import { z } from "zod";
import { scopeSchema, type ToolScope } from "./scopes";
import { timestampSchema, userIdSchema, uuidSchema } from "./api-common";
import { sessionGrantSchema } from "./api-pairing";
import { agentStatusSchema } from "./api-agents";
import { storableText } from "./text";

export const toolAnnotationsSchema = z.object({
  title: z.string().optional(),
  readOnlyHint: z.boolean(),
  destructiveHint: z.boolean().optional(),
  idempotentHint: z.boolean().optional(),
  openWorldHint: z.boolean().optional(),
});
export type ToolAnnotations = z.infer<typeof toolAnnotationsSchema>;

export const toolDescriptorSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  input_schema: z.record(z.string(), z.unknown()),
  output_schema: z.record(z.string(), z.unknown()),
  annotations: toolAnnotationsSchema,
  scope: z.union([scopeSchema, z.literal("any")]) as z.ZodType<ToolScope>,
});
export type ToolDescriptor = z.infer<typeof toolDescriptorSchema>;
export const toolListSchema = z.object({ tools: z.array(toolDescriptorSchema) });

export const agentSessionSchema = z.object({
  agent: z.object({ id: uuidSchema, display_name: z.string(), status: agentStatusSchema }),
  owner: z.object({ user_id: userIdSchema, email: z.string().nullable() }),
  token: z.object({ id: uuidSchema, prefix: z.string(), last4: z.string(), expires_at: timestampSchema.nullable() }),
  grants: z.array(sessionGrantSchema),
  tools: z.array(z.string()),
});
export type AgentSession = z.infer<typeof agentSessionSchema>;

/**
 * `POST /agent-session/rotate` → 201, `Cache-Control: no-store`. The only agent-API answer
 * that carries a token in clear; a retry with the same `Idempotency-Key` gets the same one
 * while it is unused.
 */
export const rotateTokenResponseSchema = z.object({
  token: z.string(),
  token_id: uuidSchema,
  expires_at: timestampSchema.nullable(),
  replaces_token_id: uuidSchema,
});
export type RotateTokenResponse = z.infer<typeof rotateTokenResponseSchema>;
/** The body is empty or `{}`; the `Idempotency-Key` header is required. */
export const rotateTokenRequestSchema = z.strictObject({});

export const toolCallRequestSchema = z.strictObject({
  arguments: z.record(storableText(), z.unknown()).default({}),
});
export const toolCallResponseSchema = z.object({ result: z.record(z.string(), z.unknown()) });
