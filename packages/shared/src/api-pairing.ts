import { z } from "zod";
import { scopeSchema } from "./scopes";
import { storableText } from "./text";
import { timestampSchema, userIdSchema, uuidSchema } from "./api-common";

export const clientInfoSchema = z.strictObject({
  name: storableText().min(1).max(64),
  version: storableText().min(1).max(64),
  platform: storableText().min(1).max(64),
});
export const pairingExchangeRequestSchema = z.strictObject({
  code: storableText().min(1).max(32),
  device_name: storableText().trim().min(1).max(120),
  client: clientInfoSchema,
});

export const sessionGrantSchema = z.object({
  project_id: uuidSchema,
  workspace_slug: z.string(),
  project_identifier: z.string().nullable(),
  project_name: z.string().nullable(),
  scopes: z.array(scopeSchema),
});
export type SessionGrant = z.infer<typeof sessionGrantSchema>;

export const pairingExchangeResponseSchema = z.object({
  token: z.string(),
  token_id: uuidSchema,
  agent: z.object({ id: uuidSchema, display_name: z.string() }),
  owner: z.object({ user_id: userIdSchema, email: z.string().nullable() }),
  gateway_url: z.string(),
  expires_at: timestampSchema.nullable(),
  grants: z.array(sessionGrantSchema),
});
export type PairingExchangeResponse = z.infer<typeof pairingExchangeResponseSchema>;
