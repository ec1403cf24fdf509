import type { Sql, TransactionSql } from "postgres";
import { extraAuditColumns, leafHashSql, pinTextFormats } from "./canonical-row";
import { checkpointHash, checkpointMessage, checkpointSignatureValid, GENESIS_HASH, type Checkpoint } from "./checkpoint";
import { Frontier, type StoredNode } from "./merkle";
import { insertCheckpoint, insertLeaves, insertNodes, knownPublicKeys, latestCheckpoint, registerSigningKey } from "./seal-store";
import type { SigningKey } from "./signing-key";

/** pg advisory lock key of the sealer: one seal at a time over all replicas. */
export const SEAL_LOCK_KEY = 7_042_017_108n;
/** Events per checkpoint; more waiting → the job seals again right away. */
export const SEAL_BATCH_SIZE = 5_000;

export interface SealResult {
  /** False when another replica held the lock (nothing was done). */
  locked: boolean;
  sealed: number;
  checkpoint: Checkpoint | null;
}

export class SealRefused extends Error {}

/**
 * Seals the events waiting in audit_seal_queue, oldest first, into one new checkpoint,
 * in ONE transaction under a transaction-scoped advisory lock: either the leaves, nodes,
 * checkpoint and queue deletions all commit, or none does. Events committed by other
 * transactions while this runs stay queued for the next seal.
 */
export async function sealOnce(sql: Sql, key: SigningKey, options: { batchSize?: number; now?: () => Date } = {}): Promise<SealResult> {
  const batchSize = options.batchSize ?? SEAL_BATCH_SIZE;
  return sql.begin(async (tx) => {
    const [lock] = await tx<{ ok: boolean }[]>`SELECT pg_try_advisory_xact_lock(${SEAL_LOCK_KEY.toString()}::bigint) AS ok`;
    if (!lock?.ok) return { locked: false, sealed: 0, checkpoint: null };
    await pinTextFormats(tx);
    const last = await latestCheckpoint(tx);
    const frontier = await trustedFrontier(tx, last);
    const extra = await extraAuditColumns(tx);
    const rows = await tx<{ queued_id: string; sealable: boolean; leaf_hash: Buffer | null }[]>`
      SELECT q.event_id::text AS queued_id,
             e.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit_leaves l WHERE l.event_id = q.event_id) AS sealable,
             ${leafHashSql(tx, extra)} AS leaf_hash
      FROM audit_seal_queue q LEFT JOIN audit_events e ON e.id = q.event_id
      ORDER BY e.occurred_at, e.id
      LIMIT ${batchSize}`;
    // a queued id whose event is gone (or already sealed) has nothing left to seal
    const sealable = rows.filter((r) => r.sealable);
    await tx`DELETE FROM audit_seal_queue WHERE event_id = ANY(${rows.map((r) => r.queued_id)}::uuid[])`;
    if (sealable.length === 0) return { locked: true, sealed: 0, checkpoint: null };

    const firstIndex = frontier.treeSize;
    const hashes: Buffer[] = [];
    const nodes: StoredNode[] = [];
    for (const row of sealable) {
      hashes.push(row.leaf_hash!);
      nodes.push(...frontier.append(row.leaf_hash!));
    }
    await registerSigningKey(tx, key);
    const unsigned = {
      seq: (last?.seq ?? 0) + 1,
      treeSize: frontier.treeSize,
      rootHash: frontier.root(),
      prevCheckpointHash: last ? checkpointHash(last) : GENESIS_HASH,
      sealedAt: options.now?.() ?? new Date(),
      keyId: key.keyId,
    };
    const checkpoint: Checkpoint = { ...unsigned, signature: key.sign(checkpointMessage(unsigned)) };
    await insertLeaves(tx, firstIndex, sealable.map((r) => r.queued_id), hashes);
    await insertNodes(tx, nodes);
    await insertCheckpoint(tx, checkpoint, frontier.subtreeRoots);
    return { locked: true, sealed: sealable.length, checkpoint };
  }) as Promise<SealResult>;
}

/**
 * The tree state to extend. The stored frontier is only a cache: it must fold to the
 * signed root of the latest checkpoint, whose signature must verify, and the leaves table
 * must end where that checkpoint does. Otherwise the sealer refuses to sign anything on
 * top of a log that was tampered with (audit:verify says where).
 */
async function trustedFrontier(tx: TransactionSql, last: (Checkpoint & { frontier: Buffer[] }) | null): Promise<Frontier> {
  const [row] = await tx<{ leaves: string }[]>`SELECT coalesce(max(leaf_index) + 1, 0) AS leaves FROM audit_leaves`;
  const leaves = row?.leaves ?? "0";
  if (!last) {
    if (Number(leaves) !== 0) throw new SealRefused("audit_leaves holds leaves but there is no checkpoint");
    return Frontier.empty();
  }
  const keys = await knownPublicKeys(tx);
  if (!checkpointSignatureValid(last, keys.get(last.keyId))) throw new SealRefused(`checkpoint #${last.seq} does not verify with key ${last.keyId}`);
  let frontier: Frontier;
  try {
    frontier = Frontier.of(last.treeSize, last.frontier);
  } catch {
    throw new SealRefused(`checkpoint #${last.seq} has a malformed frontier`);
  }
  if (!frontier.root().equals(last.rootHash)) throw new SealRefused(`the frontier of checkpoint #${last.seq} does not fold to its root`);
  if (Number(leaves) !== last.treeSize) throw new SealRefused(`audit_leaves ends at ${leaves}, checkpoint #${last.seq} at ${last.treeSize}`);
  return frontier;
}
