import type { Sql } from "postgres";
import type { AuditEventProof } from "@nodedc/shared";
import { HttpError } from "../../http/http-error";
import { checkpointJson } from "./checkpoint";
import { inclusionProof, nodesForProof } from "./merkle-proof";
import { firstCheckpointHolding, latestCheckpoint, leafOfEvent, loadNodes } from "./seal-store";

/**
 * The inclusion proof of one event in the tree of the latest checkpoint, for a viewer who
 * may read that event (null: a platform admin). An event the viewer may not read is as
 * absent as one that does not exist; one not sealed yet says so in details.
 */
export async function proveEvent(sql: Sql, eventId: string, viewer: string | null): Promise<AuditEventProof> {
  const [event] = await sql<{ owner_user_id: string | null }[]>`SELECT owner_user_id FROM audit_events WHERE id = ${eventId}`;
  if (!event || (viewer !== null && event.owner_user_id !== viewer)) throw HttpError.notFound("no such audit event");
  const leaf = await leafOfEvent(sql, eventId);
  const head = leaf ? await latestCheckpoint(sql) : null;
  if (!leaf || !head || leaf.leafIndex >= head.treeSize) {
    throw new HttpError("not_found", "this audit event is not sealed yet; the sealer runs every AUDIT_SEAL_INTERVAL_S seconds", { sealed: false });
  }
  const [nodes, sealedIn] = await Promise.all([loadNodes(sql, nodesForProof(leaf.leafIndex, head.treeSize)), firstCheckpointHolding(sql, leaf.leafIndex)]);
  const proof = inclusionProof(leaf.leafIndex, head.treeSize, nodes);
  return {
    event_id: eventId,
    leaf_index: leaf.leafIndex,
    tree_size: head.treeSize,
    leaf_hash: leaf.leafHash.toString("hex"),
    proof: proof.map((p) => p.toString("hex")),
    sealed_in_checkpoint: sealedIn ?? head.seq,
    checkpoint: checkpointJson(head),
  };
}
