import { z } from "zod";
import { LIMITS } from "./limits";
import { storableText } from "./text";
import { scopeSchema } from "./scopes";
import { listOf, timestampSchema, userIdSchema, uuidSchema } from "./api-common";
import { PAIRING_CODE_TTL_MAX_S, PAIRING_CODE_TTL_MIN_S } from "./pairing-code";

export const AGENT_STATUSES = ["active", "paused", "suspended", "revoked"] as const;
export const agentStatusSchema = z.enum(AGENT_STATUSES);
export const connectionStatusSchema = z.enum(["connected", "stale", "never_connected"]);
export const OWNER_STATUSES = ["active", "blocked", "annulled"] as const;
export const ownerStatusSchema = z.enum(OWNER_STATUSES);

const displayNameSchema = storableText().trim().min(1).max(LIMITS.max_display_name_chars);

export const agentSchema = z.object({
  id: uuidSchema,
  display_name: z.string(),
  owner_user_id: userIdSchema,
  status: agentStatusSchema,
  connection_status: connectionStatusSchema,
  last_seen_at: timestampSchema.nullable(),
  created_at: timestampSchema,
});
export type Agent = z.infer<typeof agentSchema>;
export const agentListSchema = listOf(agentSchema);

export const createAgentRequestSchema = z.strictObject({
  display_name: displayNameSchema,
  owner_user_id: userIdSchema.optional(),
});
export const updateAgentRequestSchema = z
  .strictObject({
    display_name: displayNameSchema.optional(),
    status: z.enum(["active", "paused"]).optional(),
  })
  .refine((v) => v.display_name !== undefined || v.status !== undefined, "give display_name or status");

export const grantSchema = z.object({
  id: uuidSchema,
  agent_id: uuidSchema,
  workspace_slug: z.string(),
  project_id: uuidSchema,
  project_identifier: z.string().nullable(),
  project_name: z.string().nullable(),
  scopes: z.array(scopeSchema),
  created_at: timestampSchema,
});
export type Grant = z.infer<typeof grantSchema>;
export const grantListSchema = listOf(grantSchema);
export const createGrantRequestSchema = z.strictObject({
  workspace_slug: z.string().min(1).max(48).regex(/^[a-z0-9][a-z0-9_-]*$/),
  project_id: uuidSchema,
  scopes: z.array(scopeSchema).min(1).max(4),
});

export const TOKEN_STATUSES = ["active", "revoked", "expired", "rotated"] as const;
export const tokenStatusSchema = z.enum(TOKEN_STATUSES);
export type TokenStatus = z.infer<typeof tokenStatusSchema>;

export const tokenMetaSchema = z.object({
  id: uuidSchema,
  agent_id: uuidSchema,
  name: z.string().nullable(),
  prefix: z.string(),
  last4: z.string(),
  device_name: z.string().nullable(),
  client: z.object({ name: z.string(), version: z.string(), platform: z.string() }).nullable(),
  created_at: timestampSchema,
  expires_at: timestampSchema.nullable(),
  last_used_at: timestampSchema.nullable(),
  revoked_at: timestampSchema.nullable(),
  /** `rotated`: its successor has been used, so it is refused (DESIGN §14). */
  status: tokenStatusSchema,
  /** The token this one replaced by rotation (the chain, newest first, follows this link). */
  replaces_token_id: uuidSchema.nullable(),
  rotated_at: timestampSchema.nullable(),
});
export type TokenMeta = z.infer<typeof tokenMetaSchema>;
export const tokenListSchema = listOf(tokenMetaSchema);
export const issueTokenRequestSchema = z.strictObject({
  name: storableText().trim().min(1).max(120).optional(),
  expires_in_days: z.number().int().min(1).max(LIMITS.token_max_expires_in_days).optional(),
});
/** The only response that ever carries a token in clear; sent once with `Cache-Control: no-store`. */
export const issuedTokenSchema = tokenMetaSchema.extend({ token: z.string() });

export const createPairingCodeRequestSchema = z.strictObject({
  expires_in_s: z.number().int().min(PAIRING_CODE_TTL_MIN_S).max(PAIRING_CODE_TTL_MAX_S).optional(),
});
export const pairingCodeSchema = z.object({
  id: uuidSchema,
  code: z.string(),
  expires_at: timestampSchema,
  command: z.string(),
});
/** Lifecycle of one pairing code (DESIGN §14); the code itself is never listed. */
export const PAIRING_CODE_STATUSES = ["pending", "used", "expired", "cancelled"] as const;
export const pairingCodeStatusSchema = z.enum(PAIRING_CODE_STATUSES);
export const pairingCodeStatusItemSchema = z.object({
  id: uuidSchema,
  status: pairingCodeStatusSchema,
  created_at: timestampSchema,
  expires_at: timestampSchema,
  used_at: timestampSchema.nullable(),
  cancelled_at: timestampSchema.nullable(),
  device_name: z.string().nullable(),
  client: z.object({ name: z.string(), version: z.string(), platform: z.string() }).nullable(),
  token_id: uuidSchema.nullable(),
});
export type PairingCodeStatusItem = z.infer<typeof pairingCodeStatusItemSchema>;
export const pairingCodeStatusListSchema = listOf(pairingCodeStatusItemSchema);
export const pairingCodeListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(LIMITS.max_page_size).optional(),
  cursor: storableText().min(1).max(512).optional(),
});

export const setOwnerStatusRequestSchema = z.strictObject({
  status: ownerStatusSchema,
  reason: storableText().max(500).optional(),
});
export const ownerSchema = z.object({
  user_id: userIdSchema,
  email: z.string().nullable(),
  status: ownerStatusSchema,
  status_changed_at: timestampSchema.nullable(),
});
