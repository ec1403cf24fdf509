import type { Sql, TransactionSql } from "postgres";
import { generatePairingCode, PAIRING_CODE_TTL_DEFAULT_S, type PairingCodeStatusItem } from "@nodedc/shared";
import type { KeysetCursor } from "../http/cursor";
import { sqlStateOf, SQLSTATE } from "../db/errors";
import { hashPairingCode } from "../tokens/secret-hash";

type Db = Sql | TransactionSql;

/** Creates a single-use code bound to agent and owner; the clear code is returned once. */
export async function createPairingCode(
  sql: Sql,
  pepper: string,
  input: { agent_id: string; owner_user_id: string; created_by: string; ttl_s?: number },
): Promise<{ id: string; code: string; expires_at: Date }> {
  const ttl = input.ttl_s ?? PAIRING_CODE_TTL_DEFAULT_S;
  for (let attempt = 0; ; attempt++) {
    const code = generatePairingCode();
    try {
      const [row] = await sql<{ id: string; expires_at: Date }[]>`
        INSERT INTO pairing_codes (code_hash, agent_id, owner_user_id, created_by, expires_at)
        VALUES (${hashPairingCode(pepper, code)}, ${input.agent_id}, ${input.owner_user_id}, ${input.created_by},
                now() + make_interval(secs => ${ttl}))
        RETURNING id, expires_at`;
      return { id: row!.id, code, expires_at: row!.expires_at };
    } catch (error) {
      // 20^8 codes: a collision is rare; draw again rather than fail.
      if (sqlStateOf(error) !== SQLSTATE.uniqueViolation || attempt >= 3) throw error;
    }
  }
}

/**
 * ONE conditional UPDATE consumes a code: only an unconsumed, unexpired code of a
 * non-revoked agent whose owner is active matches, and row locking lets exactly one of
 * any number of concurrent exchanges win. Null for everything else (all alike).
 */
export async function consumePairingCode(
  tx: Db,
  codeHash: Buffer,
): Promise<{ id: string; agent_id: string; owner_user_id: string } | null> {
  const [row] = await tx<{ id: string; agent_id: string; owner_user_id: string }[]>`
    UPDATE pairing_codes p SET consumed_at = now()
    FROM agents a, owners o
    WHERE p.code_hash = ${codeHash}
      AND p.consumed_at IS NULL
      AND p.cancelled_at IS NULL
      AND p.expires_at > now()
      AND a.id = p.agent_id AND a.status <> 'revoked'
      AND o.user_id = p.owner_user_id AND o.status = 'active'
    RETURNING p.id, p.agent_id, p.owner_user_id`;
  return row ?? null;
}

export async function linkPairingToken(tx: Db, pairingId: string, tokenId: string): Promise<void> {
  await tx`UPDATE pairing_codes SET consumed_token_id = ${tokenId} WHERE id = ${pairingId}`;
}

export interface PairingStatusRow {
  id: string;
  status: PairingCodeStatusItem["status"];
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
  cancelled_at: Date | null;
  device_name: string | null;
  client: { name: string; version: string; platform: string } | null;
  token_id: string | null;
  cursor_ts: string;
}

/** The status is derived in SQL from one clock (the database's), so every replica agrees. */
const SELECT_STATUS = (sql: Db) => sql`
  SELECT p.id, p.created_at, p.expires_at, p.consumed_at AS used_at, p.cancelled_at,
         t.device_name, t.client, p.consumed_token_id AS token_id,
         to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_ts,
         CASE WHEN p.consumed_at IS NOT NULL THEN 'used'
              WHEN p.cancelled_at IS NOT NULL THEN 'cancelled'
              WHEN p.expires_at <= now() THEN 'expired'
              ELSE 'pending' END AS status
  FROM pairing_codes p LEFT JOIN agent_tokens t ON t.id = p.consumed_token_id`;

export function pairingStatusView(row: PairingStatusRow): PairingCodeStatusItem {
  return {
    id: row.id,
    status: row.status,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    used_at: row.used_at?.toISOString() ?? null,
    cancelled_at: row.cancelled_at?.toISOString() ?? null,
    device_name: row.device_name,
    client: row.client,
    token_id: row.token_id,
  };
}

/** Codes of one agent, newest first, keyset on (created_at, id). */
export async function listPairingCodes(sql: Db, agentId: string, q: { limit: number; after: KeysetCursor | null }): Promise<PairingStatusRow[]> {
  return sql<PairingStatusRow[]>`
    ${SELECT_STATUS(sql)}
    WHERE p.agent_id = ${agentId}
      ${q.after ? sql`AND (p.created_at, p.id) < (${q.after.ts}::timestamptz, ${q.after.id}::uuid)` : sql``}
    ORDER BY p.created_at DESC, p.id DESC
    LIMIT ${q.limit}`;
}

export async function getPairingCodeStatus(sql: Db, agentId: string, codeId: string): Promise<PairingStatusRow | null> {
  const [row] = await sql<PairingStatusRow[]>`${SELECT_STATUS(sql)} WHERE p.agent_id = ${agentId} AND p.id = ${codeId}`;
  return row ?? null;
}

/**
 * Cancels a pending code: a conditional UPDATE, so a code being exchanged at the same time
 * is either consumed or cancelled, never both. False when the code was not pending.
 */
export async function cancelPairingCode(sql: Db, agentId: string, codeId: string): Promise<boolean> {
  const rows = await sql`
    UPDATE pairing_codes SET cancelled_at = now()
    WHERE id = ${codeId} AND agent_id = ${agentId}
      AND consumed_at IS NULL AND cancelled_at IS NULL AND expires_at > now()
    RETURNING id`;
  return rows.count === 1;
}
