import type { Sql, TransactionSql } from "postgres";

/** SQL owned by the owners domain: the owner row and its lifecycle (DESIGN §6). */
export type Db = Sql | TransactionSql;
export type OwnerStatus = "active" | "blocked" | "annulled";

export interface OwnerRow {
  user_id: string;
  email: string | null;
  status: OwnerStatus;
  status_checked_at: Date | null;
  status_changed_at: Date | null;
  status_unreachable_since: Date | null;
  created_at: Date;
}

/** Login (a Launcher JWT of a user or admin): create the owner or refresh its email. */
export async function upsertOwnerFromLogin(sql: Db, userId: string, email: string | null): Promise<void> {
  await sql`
    INSERT INTO owners (user_id, email) VALUES (${userId}, ${email})
    ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, updated_at = now()
      WHERE EXCLUDED.email IS NOT NULL AND owners.email IS DISTINCT FROM EXCLUDED.email`;
}

export async function getOwner(sql: Db, userId: string): Promise<OwnerRow | null> {
  const [row] = await sql<OwnerRow[]>`SELECT * FROM owners WHERE user_id = ${userId}`;
  return row ?? null;
}

/** Makes sure an owner row exists (admin creating an agent for someone who never logged in). */
export async function ensureOwner(sql: Db, userId: string): Promise<void> {
  await sql`INSERT INTO owners (user_id) VALUES (${userId}) ON CONFLICT (user_id) DO NOTHING`;
}

export interface StatusChange {
  previous: OwnerStatus | null;
  status: OwnerStatus;
  /** Agents revoked by this change (annulment). */
  revokedAgents: number;
  revokedTokens: number;
}

/**
 * Applies an owner status (push from Launcher, or a request-time check). blocked suspends
 * every agent at its next request (derived from the owner row); annulled revokes the
 * agents and all their tokens for good; active lifts a block (revoked agents stay revoked).
 */
export async function applyOwnerStatus(
  sql: Sql,
  userId: string,
  status: OwnerStatus,
  /** Runs in the same transaction (the audit event of the change). */
  alsoInTransaction?: (tx: TransactionSql, change: StatusChange) => Promise<unknown>,
): Promise<StatusChange> {
  return sql.begin(async (tx) => {
    const [before] = await tx<{ status: OwnerStatus }[]>`
      INSERT INTO owners (user_id, status, status_checked_at, status_changed_at) VALUES (${userId}, ${status}, now(), now())
      ON CONFLICT (user_id) DO UPDATE SET status = owners.status
      RETURNING (SELECT status FROM owners WHERE user_id = ${userId}) AS status`;
    const previous = before?.status ?? null;
    await tx`
      UPDATE owners SET status = ${status}, status_checked_at = now(), status_unreachable_since = NULL, updated_at = now(),
        status_changed_at = CASE WHEN status IS DISTINCT FROM ${status} THEN now() ELSE status_changed_at END
      WHERE user_id = ${userId}`;
    let revokedAgents = 0;
    let revokedTokens = 0;
    if (status === "annulled") {
      // the lock order of tokens/token-store.ts: owner, agents, tokens, each oldest first
      const agents = await tx`
        WITH locked AS (
          SELECT id FROM agents WHERE owner_user_id = ${userId} AND status <> 'revoked' ORDER BY created_at, id FOR NO KEY UPDATE
        )
        UPDATE agents a SET status = 'revoked', revoked_at = now(), updated_at = now()
        FROM locked WHERE a.id = locked.id AND a.status <> 'revoked' RETURNING a.id`;
      revokedAgents = agents.count;
      const tokens = await tx`
        WITH locked AS (
          SELECT id FROM agent_tokens
          WHERE revoked_at IS NULL AND agent_id IN (SELECT id FROM agents WHERE owner_user_id = ${userId})
          ORDER BY created_at, id FOR UPDATE
        )
        UPDATE agent_tokens t SET revoked_at = now(), revoked_reason = 'owner_annulled'
        FROM locked WHERE t.id = locked.id AND t.revoked_at IS NULL RETURNING t.id`;
      revokedTokens = tokens.count;
    }
    const change = { previous, status, revokedAgents, revokedTokens };
    await alsoInTransaction?.(tx, change);
    return change;
  });
}

/** Launcher could not answer: remember since when (for the fail-closed grace period). */
export async function markOwnerStatusUnreachable(sql: Db, userId: string): Promise<Date> {
  const [row] = await sql<{ since: Date }[]>`
    UPDATE owners SET status_unreachable_since = coalesce(status_unreachable_since, now())
    WHERE user_id = ${userId} RETURNING status_unreachable_since AS since`;
  return row?.since ?? new Date();
}

/** Owners with their agent counts, for the platform admin's view (bounded page). */
export async function listOwners(sql: Db, limit: number): Promise<(OwnerRow & { agent_count: number })[]> {
  return sql<(OwnerRow & { agent_count: number })[]>`
    SELECT o.*, (SELECT count(*)::int FROM agents a WHERE a.owner_user_id = o.user_id) AS agent_count
    FROM owners o ORDER BY o.user_id LIMIT ${limit}`;
}
