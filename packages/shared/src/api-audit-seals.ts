import { z } from "zod";
import { cursorSchema, listOf, pageLimitSchema, timestampSchema, uuidSchema } from "./api-common";

/** Sealed audit (DESIGN §15): hashes and signatures are lower-case hex. */
const hex32 = z.string().regex(/^[0-9a-f]{64}$/);
const signatureHex = z.string().regex(/^[0-9a-f]{128}$/);
const keyIdSchema = z.string().regex(/^[0-9a-f]{16}$/);

/**
 * A signed tree head. The signature is Ed25519 over the text
 * "nodedc-tasker audit checkpoint v1\nseq N\ntree_size N\nroot_hash H\nprev_checkpoint_hash H\nsealed_at T\nkey_id K\n".
 */
export const auditCheckpointSchema = z.object({
  seq: z.number().int().min(1),
  tree_size: z.number().int().min(1),
  root_hash: hex32,
  prev_checkpoint_hash: hex32,
  sealed_at: timestampSchema,
  key_id: keyIdSchema,
  signature: signatureHex,
});
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;
export const auditCheckpointListSchema = listOf(auditCheckpointSchema);

export const auditCheckpointQuerySchema = z.strictObject({
  cursor: cursorSchema.optional(),
  limit: pageLimitSchema.optional(),
});

export const auditPublicKeySchema = z.object({
  key_id: keyIdSchema,
  /** SPKI PEM of the Ed25519 key that signs new checkpoints. */
  public_key: z.string(),
});
export type AuditPublicKey = z.infer<typeof auditPublicKeySchema>;

export const auditEventIdParamSchema = z.strictObject({ id: uuidSchema });

/** RFC 6962 inclusion proof of one event's leaf in the tree of the latest checkpoint. */
export const auditEventProofSchema = z.object({
  event_id: uuidSchema,
  leaf_index: z.number().int().min(0),
  tree_size: z.number().int().min(1),
  /** SHA-256(0x00 || canonical row). */
  leaf_hash: hex32,
  /** The audit path, bottom up. */
  proof: z.array(hex32),
  /** The first checkpoint that sealed this event. */
  sealed_in_checkpoint: z.number().int().min(1),
  checkpoint: auditCheckpointSchema,
});
export type AuditEventProof = z.infer<typeof auditEventProofSchema>;
