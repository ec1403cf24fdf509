import { createHash } from "node:crypto";
import { verifySignature, type PublicKey } from "./signing-key";

/** A signed tree head as stored (hashes as bytes). */
export interface Checkpoint {
  seq: number;
  treeSize: number;
  rootHash: Buffer;
  prevCheckpointHash: Buffer;
  sealedAt: Date;
  keyId: string;
  signature: Buffer;
}

/** prev_checkpoint_hash of checkpoint #1. */
export const GENESIS_HASH = Buffer.alloc(32);

/**
 * The exact bytes that are signed, one field per line, so a checkpoint can be checked with
 * nothing but a shell (`openssl pkeyutl -verify -rawin`): no JSON canonicalisation needed.
 */
export function checkpointMessage(c: Omit<Checkpoint, "signature">): Buffer {
  return Buffer.from(
    [
      "nodedc-tasker audit checkpoint v1",
      `seq ${c.seq}`,
      `tree_size ${c.treeSize}`,
      `root_hash ${c.rootHash.toString("hex")}`,
      `prev_checkpoint_hash ${c.prevCheckpointHash.toString("hex")}`,
      `sealed_at ${c.sealedAt.toISOString()}`,
      `key_id ${c.keyId}`,
      "",
    ].join("\n"),
    "utf8",
  );
}

/** What the next checkpoint's prev_checkpoint_hash must be: SHA-256 of this one's signed message and signature. */
export function checkpointHash(c: Checkpoint): Buffer {
  return createHash("sha256").update(checkpointMessage(c)).update(c.signature).digest();
}

export function checkpointSignatureValid(c: Checkpoint, key: PublicKey | undefined): boolean {
  return key !== undefined && key.keyId === c.keyId && verifySignature(key, checkpointMessage(c), c.signature);
}

/** The JSON form (API and exported files): hashes and signature hex, time RFC 3339. */
export interface CheckpointJson {
  seq: number;
  tree_size: number;
  root_hash: string;
  prev_checkpoint_hash: string;
  sealed_at: string;
  key_id: string;
  signature: string;
}

export function checkpointJson(c: Checkpoint): CheckpointJson {
  return {
    seq: c.seq,
    tree_size: c.treeSize,
    root_hash: c.rootHash.toString("hex"),
    prev_checkpoint_hash: c.prevCheckpointHash.toString("hex"),
    sealed_at: c.sealedAt.toISOString(),
    key_id: c.keyId,
    signature: c.signature.toString("hex"),
  };
}

export function checkpointFromJson(j: CheckpointJson): Checkpoint {
  return {
    seq: j.seq,
    treeSize: j.tree_size,
    rootHash: Buffer.from(j.root_hash, "hex"),
    prevCheckpointHash: Buffer.from(j.prev_checkpoint_hash, "hex"),
    sealedAt: new Date(j.sealed_at),
    keyId: j.key_id,
    signature: Buffer.from(j.signature, "hex"),
  };
}
