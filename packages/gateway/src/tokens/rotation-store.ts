import type { Sql, TransactionSql } from "postgres";
import { LIMITS, tokenDisplay } from "@nodedc/shared";
import { hashAgentToken } from "./secret-hash";

/**
 * SQL of token rotation (DESIGN §14, 0107_token_rotation.sql). Every UPDATE of agent_tokens
 * moves auth_epoch (0102's trigger), so an auth row cached anywhere is read again on the
 * next call after a rotation, a first use or a chain revocation. Rows are locked in the
 * order token-store.ts states: predecessor (older) before successor.
 */
type Db = Sql | TransactionSql;

export interface RotatingTokenRow {
  id: string;
  agent_id: string;
  revoked_at: Date | null;
  rotated_at: Date | null;
}

/** The calling token, locked for the transaction: concurrent rotations of one token queue here. */
export async function lockTokenForRotation(tx: TransactionSql, tokenId: string): Promise<RotatingTokenRow | null> {
  const [row] = await tx<RotatingTokenRow[]>`
    SELECT id, agent_id, revoked_at, rotated_at FROM agent_tokens WHERE id = ${tokenId} FOR UPDATE`;
  return row ?? null;
}

export interface SuccessorRow {
  id: string;
  expires_at: Date | null;
  activated_at: Date | null;
  rotation_idempotency_key: string | null;
  rotation_replay: Buffer | null;
}

/** The one successor of a token that is not revoked (a unique index keeps it one). */
export async function findLiveSuccessor(sql: Db, tokenId: string): Promise<SuccessorRow | null> {
  const [row] = await sql<SuccessorRow[]>`
    SELECT id, expires_at, activated_at, rotation_idempotency_key, rotation_replay
    FROM agent_tokens WHERE replaces_token_id = ${tokenId} AND revoked_at IS NULL`;
  return row ?? null;
}

/** A rotation with another key replaces the unused successor: that one is revoked, its seal wiped. */
export async function supersedeSuccessor(sql: Db, successorId: string): Promise<void> {
  await sql`
    UPDATE agent_tokens SET revoked_at = now(), revoked_reason = 'superseded_by_rotation', rotation_replay = NULL
    WHERE id = ${successorId} AND revoked_at IS NULL AND activated_at IS NULL`;
}

export interface InsertSuccessorInput {
  id: string;
  predecessorId: string;
  token: string;
  sealed: Buffer;
  idempotencyKey: string;
  ip: string;
}

/**
 * The successor keeps agent, name, device and client of its predecessor, and the same
 * lifetime from now (a token issued for 7 days rotates to another 7 days).
 */
export async function insertSuccessor(sql: Db, pepper: string, input: InsertSuccessorInput): Promise<{ id: string; expires_at: Date | null }> {
  const { prefix, last4 } = tokenDisplay(input.token);
  const [row] = await sql<{ id: string; expires_at: Date | null }[]>`
    INSERT INTO agent_tokens (id, agent_id, token_hash, prefix, last4, name, device_name, client, created_via, created_by,
                              expires_at, replaces_token_id, created_ip, rotation_idempotency_key, rotation_replay)
    SELECT ${input.id}, p.agent_id, ${hashAgentToken(pepper, input.token)}, ${prefix}, ${last4}, p.name, p.device_name, p.client,
           'rotation', NULL,
           now() + coalesce(p.expires_at - p.created_at, make_interval(days => ${LIMITS.token_default_expires_in_days})),
           p.id, ${input.ip}, ${input.idempotencyKey}, ${input.sealed}
    FROM agent_tokens p WHERE p.id = ${input.predecessorId}
    RETURNING id, expires_at`;
  return row!;
}

/**
 * First use of a successor: from this statement on the predecessor is `rotated` (refused).
 * One statement, conditional on `activated_at IS NULL`, so concurrent first uses agree.
 * The sealed copy is wiped: nobody needs to replay a token that is already in use.
 */
export async function activateSuccessor(sql: Sql, successorId: string, ip: string): Promise<void> {
  await sql.begin(async (tx) => {
    // the predecessor first, as a rotation of it does (it locks it, then supersedes us)
    await tx`
      SELECT id FROM agent_tokens
      WHERE id = ${successorId} OR id = (SELECT replaces_token_id FROM agent_tokens WHERE id = ${successorId})
      ORDER BY created_at, id FOR UPDATE`;
    await tx`
    WITH s AS (
      UPDATE agent_tokens SET activated_at = now(), activated_ip = ${ip}, rotation_replay = NULL
      WHERE id = ${successorId} AND activated_at IS NULL AND revoked_at IS NULL
      RETURNING replaces_token_id
    )
    UPDATE agent_tokens p SET rotated_at = now(), rotation_replay = NULL
    FROM s WHERE p.id = s.replaces_token_id AND p.rotated_at IS NULL`;
  });
}

export interface ChainTokenRow {
  id: string;
  device_name: string | null;
  client: { name: string; version: string; platform: string } | null;
  created_ip: string | null;
  activated_ip: string | null;
  activated_at: Date | null;
  rotated_at: Date | null;
  last_used_at: Date | null;
}

/**
 * Revokes every token linked to `tokenId` by rotation, both ways (what it replaced, what
 * replaced it, transitively). Returns the rows this call revoked; empty when another
 * request got there first.
 */
export async function revokeRotationChain(sql: Db, tokenId: string, reason: string): Promise<ChainTokenRow[]> {
  return sql<ChainTokenRow[]>`
    WITH RECURSIVE up AS (
      SELECT id, replaces_token_id FROM agent_tokens WHERE id = ${tokenId}
      UNION
      SELECT t.id, t.replaces_token_id FROM agent_tokens t JOIN up ON t.id = up.replaces_token_id
    ), down AS (
      SELECT id FROM agent_tokens WHERE id = ${tokenId}
      UNION
      SELECT t.id FROM agent_tokens t JOIN down ON t.replaces_token_id = down.id
    ), locked AS (
      SELECT id FROM agent_tokens
      WHERE id IN (SELECT id FROM up UNION SELECT id FROM down) AND revoked_at IS NULL
      ORDER BY created_at, id FOR UPDATE
    )
    UPDATE agent_tokens SET revoked_at = now(), revoked_reason = ${reason}, rotation_replay = NULL
    WHERE id IN (SELECT id FROM locked) AND revoked_at IS NULL
    RETURNING id, device_name, client, created_ip, activated_ip, activated_at, rotated_at, last_used_at`;
}
