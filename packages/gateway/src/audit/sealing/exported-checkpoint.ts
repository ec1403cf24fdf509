import { z } from "zod";
import { auditCheckpointSchema } from "@nodedc/shared";

/**
 * A checkpoint written out of the database for anchoring (a file kept elsewhere, a ticket,
 * a webhook): the signed fields plus the public key that signed it, so checking it later
 * trusts the file rather than the database's key table.
 */
export const exportedCheckpointSchema = auditCheckpointSchema.extend({
  format: z.literal("nodedc-tasker-audit-checkpoint/v1"),
  public_key: z.string().min(1),
});
export type ExportedCheckpoint = z.infer<typeof exportedCheckpointSchema>;
