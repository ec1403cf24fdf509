import type { Sql, TransactionSql } from "postgres";
import { generatePairingCode, PAIRING_CODE_TTL_DEFAULT_S } from "@nodedc/shared";
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
      AND p.expires_at > now()
      AND a.id = p.agent_id AND a.status <> 'revoked'
      AND o.user_id = p.owner_user_id AND o.status = 'active'
    RETURNING p.id, p.agent_id, p.owner_user_id`;
  return row ?? null;
}

export async function linkPairingToken(tx: Db, pairingId: string, tokenId: string): Promise<void> {
  await tx`UPDATE pairing_codes SET consumed_token_id = ${tokenId} WHERE id = ${pairingId}`;
}
