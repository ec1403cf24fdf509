import type { Sql, TransactionSql } from "postgres";
import type { Checkpoint } from "./checkpoint";
import type { StoredNode } from "./merkle";
import type { PublicKey, SigningKey } from "./signing-key";
import { parsePublicKey } from "./signing-key";

/** SQL of the sealing tables (0108_audit_sealing.sql). */
type Db = Sql | TransactionSql;

interface CheckpointRow {
  seq: string;
  tree_size: string;
  root_hash: Buffer;
  prev_checkpoint_hash: Buffer;
  sealed_at: Date;
  key_id: string;
  signature: Buffer;
}

export interface StoredCheckpoint extends Checkpoint {
  frontier: Buffer[];
}

function checkpointOf(row: CheckpointRow): Checkpoint {
  return {
    seq: Number(row.seq),
    treeSize: Number(row.tree_size),
    rootHash: row.root_hash,
    prevCheckpointHash: row.prev_checkpoint_hash,
    sealedAt: row.sealed_at,
    keyId: row.key_id,
    signature: row.signature,
  };
}

export async function latestCheckpoint(sql: Db): Promise<StoredCheckpoint | null> {
  // bytea[] travels as comma-separated hex: postgres.js has no parser for bytea arrays
  const [row] = await sql<(CheckpointRow & { frontier: string })[]>`
    SELECT seq, tree_size, root_hash, prev_checkpoint_hash, sealed_at, key_id, signature,
           array_to_string(ARRAY(SELECT encode(f, 'hex') FROM unnest(frontier) AS f), ',') AS frontier
    FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`;
  if (!row) return null;
  return { ...checkpointOf(row), frontier: row.frontier === "" ? [] : row.frontier.split(",").map((h) => Buffer.from(h, "hex")) };
}

/** Newest first, `before` a seq (keyset). */
export async function listCheckpoints(sql: Db, beforeSeq: number | null, limit: number): Promise<Checkpoint[]> {
  const rows = await sql<CheckpointRow[]>`
    SELECT seq, tree_size, root_hash, prev_checkpoint_hash, sealed_at, key_id, signature
    FROM audit_checkpoints ${beforeSeq !== null ? sql`WHERE seq < ${beforeSeq}` : sql``}
    ORDER BY seq DESC LIMIT ${limit}`;
  return rows.map(checkpointOf);
}

/** Every checkpoint, oldest first (verification). */
export async function allCheckpoints(sql: Db): Promise<Checkpoint[]> {
  const rows = await sql<CheckpointRow[]>`
    SELECT seq, tree_size, root_hash, prev_checkpoint_hash, sealed_at, key_id, signature FROM audit_checkpoints ORDER BY seq`;
  return rows.map(checkpointOf);
}

/** The first checkpoint whose tree holds leaf `leafIndex`. */
export async function firstCheckpointHolding(sql: Db, leafIndex: number): Promise<number | null> {
  const [row] = await sql<{ seq: string }[]>`SELECT seq FROM audit_checkpoints WHERE tree_size > ${leafIndex} ORDER BY tree_size LIMIT 1`;
  return row ? Number(row.seq) : null;
}

/** For each given event that is sealed: the seq of the first checkpoint that holds it. */
export async function sealingCheckpointsOf(sql: Db, eventIds: string[]): Promise<Map<string, number>> {
  if (eventIds.length === 0) return new Map();
  const rows = await sql<{ id: string; seq: string | null }[]>`
    SELECT l.event_id::text AS id,
           (SELECT c.seq FROM audit_checkpoints c WHERE c.tree_size > l.leaf_index ORDER BY c.tree_size LIMIT 1) AS seq
    FROM audit_leaves l WHERE l.event_id = ANY(${eventIds}::uuid[])`;
  return new Map(rows.flatMap((r) => (r.seq === null ? [] : [[r.id, Number(r.seq)] as [string, number]])));
}

export async function insertCheckpoint(tx: TransactionSql, c: Checkpoint, frontier: readonly Buffer[]): Promise<void> {
  await tx`
    INSERT INTO audit_checkpoints (seq, tree_size, root_hash, prev_checkpoint_hash, sealed_at, key_id, signature, frontier)
    VALUES (${c.seq}, ${c.treeSize}, ${c.rootHash}, ${c.prevCheckpointHash}, ${c.sealedAt}, ${c.keyId}, ${c.signature},
            ARRAY(SELECT decode(f, 'hex') FROM unnest(${frontier.map((f) => f.toString("hex"))}::text[]) WITH ORDINALITY AS t(f, o) ORDER BY o))`;
}

export async function insertLeaves(tx: TransactionSql, firstIndex: number, eventIds: string[], hashes: Buffer[]): Promise<void> {
  if (eventIds.length === 0) return;
  await tx`
    INSERT INTO audit_leaves (leaf_index, event_id, leaf_hash)
    SELECT ${firstIndex}::bigint + o - 1, e, decode(h, 'hex')
    FROM unnest(${eventIds}::uuid[], ${hashes.map((h) => h.toString("hex"))}::text[]) WITH ORDINALITY AS t(e, h, o)`;
}

export async function insertNodes(tx: TransactionSql, nodes: StoredNode[]): Promise<void> {
  if (nodes.length === 0) return;
  await tx`
    INSERT INTO audit_tree_nodes (level, node_index, hash)
    SELECT l, i, decode(h, 'hex')
    FROM unnest(${nodes.map((n) => n.level)}::smallint[], ${nodes.map((n) => n.index)}::bigint[], ${nodes.map((n) => n.hash.toString("hex"))}::text[]) AS t(l, i, h)`;
}

/** Leaf hashes (level 0) and inner nodes, for the given keys. */
export async function loadNodes(sql: Db, keys: { level: number; index: number }[]): Promise<StoredNode[]> {
  const leafKeys = keys.filter((k) => k.level === 0).map((k) => k.index);
  const innerKeys = keys.filter((k) => k.level > 0);
  const [leaves, inner] = await Promise.all([
    leafKeys.length
      ? sql<{ i: string; hash: Buffer }[]>`SELECT leaf_index AS i, leaf_hash AS hash FROM audit_leaves WHERE leaf_index = ANY(${leafKeys}::bigint[])`
      : [],
    innerKeys.length
      ? sql<{ l: number; i: string; hash: Buffer }[]>`
          SELECT n.level AS l, n.node_index AS i, n.hash FROM audit_tree_nodes n
          JOIN unnest(${innerKeys.map((k) => k.level)}::smallint[], ${innerKeys.map((k) => k.index)}::bigint[]) AS k(l, i)
            ON n.level = k.l AND n.node_index = k.i`
      : [],
  ]);
  return [
    ...leaves.map((r) => ({ level: 0, index: Number(r.i), hash: r.hash })),
    ...inner.map((r) => ({ level: r.l, index: Number(r.i), hash: r.hash })),
  ];
}

export async function leafOfEvent(sql: Db, eventId: string): Promise<{ leafIndex: number; leafHash: Buffer } | null> {
  const [row] = await sql<{ leaf_index: string; leaf_hash: Buffer }[]>`SELECT leaf_index, leaf_hash FROM audit_leaves WHERE event_id = ${eventId}`;
  return row ? { leafIndex: Number(row.leaf_index), leafHash: row.leaf_hash } : null;
}

/** Publishes this replica's public key (idempotent; rows are never changed). */
export async function registerSigningKey(sql: Db, key: SigningKey): Promise<void> {
  await sql`INSERT INTO audit_signing_keys (key_id, public_key) VALUES (${key.keyId}, ${key.publicKeyPem}) ON CONFLICT (key_id) DO NOTHING`;
}

/** Every known public key by id. A row whose key does not hash to its id is left out. */
export async function knownPublicKeys(sql: Db): Promise<Map<string, PublicKey>> {
  const rows = await sql<{ key_id: string; public_key: string }[]>`SELECT key_id, public_key FROM audit_signing_keys`;
  const keys = new Map<string, PublicKey>();
  for (const row of rows) {
    try {
      const key = parsePublicKey(row.public_key);
      if (key.keyId === row.key_id) keys.set(key.keyId, key);
    } catch {
      // an unparsable key simply verifies nothing
    }
  }
  return keys;
}
