import type { Sql } from "postgres";
import { extraAuditColumns, leafHashSql, pinTextFormats } from "./canonical-row";
import { checkpointHash, checkpointJson, checkpointSignatureValid, GENESIS_HASH, type Checkpoint, type CheckpointJson } from "./checkpoint";
import { Frontier } from "./merkle";
import { allCheckpoints, knownPublicKeys } from "./seal-store";
import type { PublicKey } from "./signing-key";

/** Why a log is not intact (stable strings: scripts match on them). */
export type VerifyFailureReason =
  | "event_changed"
  | "event_deleted"
  | "leaf_missing"
  | "checkpoint_signature_invalid"
  | "checkpoint_unknown_key"
  | "checkpoint_chain_broken"
  | "checkpoint_root_mismatch"
  | "anchor_signature_invalid"
  | "anchor_not_extended"
  | "tail_truncated";

export interface VerifyFailure {
  valid: false;
  first_bad_event_id: string | null;
  reason: VerifyFailureReason;
  message: string;
  leaf_index?: number;
  checkpoint_seq?: number;
}

export interface VerifySuccess {
  valid: true;
  sealed_events: number;
  unsealed_events: number;
  checkpoints: number;
  tree_size: number;
  root_hash: string;
  latest_checkpoint: CheckpointJson | null;
  /** "given": only keys passed in were trusted; "database": the keys the database lists. */
  keys: "given" | "database";
  anchor_checked: boolean;
}

export type VerifyResult = VerifySuccess | VerifyFailure;

export interface VerifyOptions {
  /** Trust only these keys (else the public keys table). */
  trustedKeys?: PublicKey[];
  /** An exported checkpoint (and its key) the database must still extend. */
  anchor?: { checkpoint: Checkpoint; key: PublicKey };
  /** Leaves per range query. */
  batchSize?: number;
}

const fail = (reason: VerifyFailureReason, message: string, extra: Partial<VerifyFailure> = {}): VerifyFailure => ({
  valid: false,
  first_bad_event_id: null,
  reason,
  message,
  ...extra,
});

/**
 * Recomputes the whole sealed log from the rows, in one read-only snapshot: every sealed
 * event's leaf hash from its row, the tree in leaf order, and at each checkpoint's size its
 * root, signature and link to the previous checkpoint; then, with an anchor, that the tree
 * still has the anchored root at the anchored size. Reads the leaves in ranges, so memory
 * stays flat for any log size. The first problem in log order is reported.
 */
export async function verifyAuditLog(sql: Sql, options: VerifyOptions = {}): Promise<VerifyResult> {
  return sql.begin("ISOLATION LEVEL REPEATABLE READ READ ONLY", async (tx) => {
    await pinTextFormats(tx);
    const keys = options.trustedKeys ? new Map(options.trustedKeys.map((k) => [k.keyId, k])) : await knownPublicKeys(tx);
    const anchor = options.anchor;
    if (anchor && !checkpointSignatureValid(anchor.checkpoint, anchor.key)) {
      return fail("anchor_signature_invalid", `the exported checkpoint #${anchor.checkpoint.seq} does not verify with its own key ${anchor.key.keyId}`, {
        checkpoint_seq: anchor.checkpoint.seq,
      });
    }
    const checkpoints = await allCheckpoints(tx);
    const extra = await extraAuditColumns(tx);
    const frontier = Frontier.empty();
    let next = 0; // next checkpoint to reach
    let previous: Checkpoint | null = null;
    let failure: VerifyFailure | null = null;
    let lastEventId: string | null = null;

    const checkCheckpoint = (c: Checkpoint): VerifyFailure | null => {
      const at = { checkpoint_seq: c.seq, first_bad_event_id: lastEventId };
      if (c.seq !== (previous?.seq ?? 0) + 1) return fail("checkpoint_chain_broken", `checkpoint #${c.seq} follows #${previous?.seq ?? 0}`, at);
      const expectedPrev = previous ? checkpointHash(previous) : GENESIS_HASH;
      if (!c.prevCheckpointHash.equals(expectedPrev)) return fail("checkpoint_chain_broken", `checkpoint #${c.seq} does not link to the checkpoint before it`, at);
      const key = keys.get(c.keyId);
      if (!key) return fail("checkpoint_unknown_key", `checkpoint #${c.seq} is signed by key ${c.keyId}, which is not trusted`, at);
      if (!checkpointSignatureValid(c, key)) return fail("checkpoint_signature_invalid", `the signature of checkpoint #${c.seq} does not verify: the checkpoint was altered`, at);
      if (!frontier.root().equals(c.rootHash)) {
        return fail("checkpoint_root_mismatch", `the sealed events up to leaf ${c.treeSize - 1} no longer hash to the root of checkpoint #${c.seq}: leaves were rewritten or reordered`, at);
      }
      if (anchor && c.seq === anchor.checkpoint.seq && !checkpointHash(c).equals(checkpointHash(anchor.checkpoint))) {
        return fail("anchor_not_extended", `checkpoint #${c.seq} in the database differs from the exported one`, at);
      }
      previous = c;
      return null;
    };
    const reachCheckpoints = (): VerifyFailure | null => {
      while (next < checkpoints.length && checkpoints[next]!.treeSize <= frontier.treeSize) {
        const c = checkpoints[next]!;
        if (c.treeSize < frontier.treeSize) return fail("checkpoint_chain_broken", `checkpoint #${c.seq} has a tree size that never occurs`, { checkpoint_seq: c.seq });
        const bad = checkCheckpoint(c);
        if (bad) return bad;
        next++;
      }
      if (anchor && frontier.treeSize === anchor.checkpoint.treeSize && !frontier.root().equals(anchor.checkpoint.rootHash)) {
        return fail("anchor_not_extended", `the log no longer has the root of the exported checkpoint #${anchor.checkpoint.seq} at size ${anchor.checkpoint.treeSize}`, {
          checkpoint_seq: anchor.checkpoint.seq,
          first_bad_event_id: lastEventId,
        });
      }
      return null;
    };

    // The row's leaf hash is recomputed by the database from the row itself (canonical-row.ts).
    // Leaves are read in index ranges, the next range already requested while this one is
    // checked, so the server's hashing and ours overlap instead of taking turns.
    type LeafRow = { leaf_index: string; leaf_event_id: string; present: boolean; stored: Buffer; computed: Buffer | null };
    const chunk = options.batchSize ?? 20_000;
    const [bounds] = await tx<{ end: string }[]>`SELECT coalesce(max(leaf_index) + 1, 0) AS end FROM audit_leaves`;
    const end = Number(bounds?.end ?? 0);
    const fetchRange = (from: number) => {
      const query = tx<LeafRow[]>`
        SELECT l.leaf_index, l.event_id::text AS leaf_event_id, e.id IS NOT NULL AS present, l.leaf_hash AS stored, ${leafHashSql(tx, extra)} AS computed
        FROM audit_leaves l LEFT JOIN audit_events e ON e.id = l.event_id
        WHERE l.leaf_index >= ${from} AND l.leaf_index < ${from + chunk}
        ORDER BY l.leaf_index`;
      query.execute();
      query.catch(() => undefined); // rejections surface where the range is awaited
      return query;
    };
    let pendingRange: Promise<LeafRow[]> | null = end > 0 ? fetchRange(0) : null;
    outer: for (let from = 0; pendingRange; from += chunk) {
      const rows = await pendingRange;
      pendingRange = from + chunk < end ? fetchRange(from + chunk) : null;
      for (const row of rows) {
        const index = Number(row.leaf_index);
        if (index !== frontier.treeSize) {
          failure = fail("leaf_missing", `sealed leaf ${frontier.treeSize} is missing (the next one is ${index}): a sealed event and its leaf were deleted`, {
            leaf_index: frontier.treeSize,
          });
          break outer;
        }
        if (!row.present || row.computed === null) {
          failure = fail("event_deleted", `sealed event ${row.leaf_event_id} (leaf ${index}) was deleted`, { first_bad_event_id: row.leaf_event_id, leaf_index: index });
          break outer;
        }
        const hash = row.computed;
        if (!hash.equals(row.stored)) {
          failure = fail("event_changed", `sealed event ${row.leaf_event_id} (leaf ${index}) was changed after it was sealed`, {
            first_bad_event_id: row.leaf_event_id,
            leaf_index: index,
          });
          break outer;
        }
        frontier.appendOnly(hash);
        lastEventId = row.leaf_event_id;
        if (next < checkpoints.length && checkpoints[next]!.treeSize <= frontier.treeSize) failure = reachCheckpoints();
        else if (anchor && frontier.treeSize === anchor.checkpoint.treeSize) failure = reachCheckpoints();
        if (failure) break outer;
      }
      if (rows.length < chunk) {
        // a short range is the end of the leaves, unless more follow after a gap
        if (frontier.treeSize < end) {
          failure = fail("leaf_missing", `sealed leaf ${frontier.treeSize} is missing: a sealed event and its leaf were deleted`, { leaf_index: frontier.treeSize });
        }
        break;
      }
    }
    await pendingRange?.catch(() => undefined);
    if (failure) return failure;
    const pending = checkpoints[next];
    if (pending) return fail("leaf_missing", `checkpoint #${pending.seq} seals ${pending.treeSize} events but only ${frontier.treeSize} sealed leaves remain`, { checkpoint_seq: pending.seq, leaf_index: frontier.treeSize });
    const signedSize = checkpoints.at(-1)?.treeSize ?? 0;
    if (frontier.treeSize > signedSize) {
      return fail("checkpoint_root_mismatch", `audit_leaves holds ${frontier.treeSize - signedSize} leaves no checkpoint signs: they were added outside the sealer`, { leaf_index: signedSize });
    }
    if (anchor && anchor.checkpoint.treeSize > frontier.treeSize) {
      return fail("tail_truncated", `the exported checkpoint #${anchor.checkpoint.seq} seals ${anchor.checkpoint.treeSize} events; the database holds only ${frontier.treeSize}`, {
        checkpoint_seq: anchor.checkpoint.seq,
        leaf_index: frontier.treeSize,
      });
    }
    const [unsealed] = await tx<{ n: number }[]>`
      SELECT count(*)::int AS n FROM audit_events e WHERE NOT EXISTS (SELECT 1 FROM audit_leaves l WHERE l.event_id = e.id)`;
    const latest = checkpoints.at(-1) ?? null;
    return {
      valid: true,
      sealed_events: frontier.treeSize,
      unsealed_events: unsealed?.n ?? 0,
      checkpoints: checkpoints.length,
      tree_size: frontier.treeSize,
      root_hash: frontier.root().toString("hex"),
      latest_checkpoint: latest ? checkpointJson(latest) : null,
      keys: options.trustedKeys ? "given" : "database",
      anchor_checked: anchor !== undefined,
    } satisfies VerifySuccess;
  }) as Promise<VerifyResult>;
}
