import type { Sql, TransactionSql } from "postgres";
import { generateAgentToken, LIMITS, tokenDisplay, type TokenMeta, type TokenStatus } from "@nodedc/shared";
import { hashAgentToken } from "./secret-hash";

/**
 * SQL owned by the tokens domain: issue, list, revoke, and the auth lookup.
 *
 * Lock order of auth rows, kept by every statement here, in rotation-store.ts and in
 * owner-store.ts, so that two transactions can only queue, never close a cycle (a deadlock,
 * answered 500):
 *   owners → agents → agent_tokens, oldest first (created_at, id) → auth_epoch (at commit, 0109).
 * A statement that locks several rows of one table locks them first with
 * `ORDER BY created_at, id FOR UPDATE` (an UPDATE alone locks in scan order, which depends
 * on the plan). A write that decides nothing (last used, last seen) never waits: SKIP LOCKED.
 */
type Db = Sql | TransactionSql;

export interface TokenRow {
  id: string;
  agent_id: string;
  name: string | null;
  prefix: string;
  last4: string;
  device_name: string | null;
  client: { name: string; version: string; platform: string } | null;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
  /** The token this one replaced by rotation (DESIGN §14), else null. */
  replaces_token_id: string | null;
  /** When this token's successor was first used (it is refused from then on). */
  rotated_at: Date | null;
}

/** Columns of TokenRow, for every statement that returns one. */
export const TOKEN_ROW_COLUMNS =
  "id, agent_id, name, prefix, last4, device_name, client, created_at, expires_at, last_used_at, revoked_at, replaces_token_id, rotated_at";

/** active | revoked | expired | rotated (a revoked chain shows revoked, whatever came before). */
export function tokenStatus(row: Pick<TokenRow, "revoked_at" | "rotated_at" | "expires_at">, now = Date.now()): TokenStatus {
  if (row.revoked_at) return "revoked";
  if (row.rotated_at) return "rotated";
  if (row.expires_at && row.expires_at.getTime() <= now) return "expired";
  return "active";
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function tokenMeta(row: TokenRow): TokenMeta {
  return {
    id: row.id,
    agent_id: row.agent_id,
    name: row.name,
    prefix: row.prefix,
    last4: row.last4,
    device_name: row.device_name,
    client: row.client,
    created_at: row.created_at.toISOString(),
    expires_at: iso(row.expires_at),
    last_used_at: iso(row.last_used_at),
    revoked_at: iso(row.revoked_at),
    status: tokenStatus(row),
    replaces_token_id: row.replaces_token_id,
    rotated_at: iso(row.rotated_at),
  };
}

export interface IssueTokenInput {
  agent_id: string;
  name?: string | null;
  expires_in_days?: number;
  device_name?: string | null;
  client?: { name: string; version: string; platform: string } | null;
  created_via: "issue" | "pairing";
  created_by: string | null;
}

/** Creates a token; the clear value is returned once and never stored. */
export async function insertToken(sql: Db, pepper: string, input: IssueTokenInput): Promise<{ token: string; row: TokenRow }> {
  const token = generateAgentToken();
  const { prefix, last4 } = tokenDisplay(token);
  const days = input.expires_in_days ?? LIMITS.token_default_expires_in_days;
  const [row] = await sql<TokenRow[]>`
    INSERT INTO agent_tokens (agent_id, token_hash, prefix, last4, name, device_name, client, created_via, created_by, expires_at)
    VALUES (${input.agent_id}, ${hashAgentToken(pepper, token)}, ${prefix}, ${last4}, ${input.name ?? null},
            ${input.device_name ?? null}, ${input.client ? sql.json(input.client) : null}, ${input.created_via},
            ${input.created_by}, now() + make_interval(days => ${days}))
    RETURNING ${sql.unsafe(TOKEN_ROW_COLUMNS)}`;
  return { token, row: row! };
}

export async function listTokens(sql: Db, agentId: string): Promise<TokenRow[]> {
  return sql<TokenRow[]>`
    SELECT ${sql.unsafe(TOKEN_ROW_COLUMNS)}
    FROM agent_tokens WHERE agent_id = ${agentId} ORDER BY created_at DESC, id DESC`;
}

/** Device and client of every live token of many agents (the console's agents table). */
export async function listActiveDevicesOfAgents(
  sql: Db,
  agentIds: string[],
): Promise<{ agent_id: string; device_name: string | null; client: TokenRow["client"] }[]> {
  if (agentIds.length === 0) return [];
  return sql<{ agent_id: string; device_name: string | null; client: TokenRow["client"] }[]>`
    SELECT agent_id, device_name, client FROM agent_tokens
    WHERE agent_id = ANY(${agentIds}::uuid[]) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
    ORDER BY created_at DESC`;
}

/** Revokes one token of one agent; null when no such token. Revoking twice keeps the first time. */
export async function revokeToken(sql: Db, agentId: string, tokenId: string, reason: string): Promise<TokenRow | null> {
  const [row] = await sql<TokenRow[]>`
    UPDATE agent_tokens SET revoked_at = coalesce(revoked_at, now()), revoked_reason = coalesce(revoked_reason, ${reason})
    WHERE id = ${tokenId} AND agent_id = ${agentId}
    RETURNING ${sql.unsafe(TOKEN_ROW_COLUMNS)}`;
  return row ?? null;
}

/** Callers hold the agent row already (lock order above): the agent is revoked first. */
export async function revokeAllTokens(sql: Db, agentId: string, reason: string): Promise<number> {
  const rows = await sql`
    WITH locked AS (
      SELECT id FROM agent_tokens WHERE agent_id = ${agentId} AND revoked_at IS NULL ORDER BY created_at, id FOR UPDATE
    )
    UPDATE agent_tokens t SET revoked_at = now(), revoked_reason = ${reason}
    FROM locked WHERE t.id = locked.id AND t.revoked_at IS NULL RETURNING t.id`;
  return rows.count;
}

/** Everything agent auth needs, in one indexed query (token hash → token, agent, owner, grants). */
export interface TokenAuthRow {
  token_id: string;
  prefix: string;
  last4: string;
  expires_at: Date | null;
  expired: boolean;
  revoked_at: Date | null;
  last_used_at: Date | null;
  /** Rotation (0107_token_rotation.sql): the replaced token, its first use, this token's own retirement. */
  replaces_token_id: string | null;
  activated_at: Date | null;
  rotated_at: Date | null;
  agent_id: string;
  display_name: string;
  agent_status: "active" | "paused" | "revoked";
  owner_user_id: string;
  owner_email: string | null;
  owner_status: "active" | "blocked" | "annulled";
  status_checked_at: Date | null;
  status_unreachable_since: Date | null;
  grants: {
    grant_id: string;
    project_id: string;
    workspace_slug: string;
    project_identifier: string | null;
    project_name: string | null;
    scopes: string[];
  }[];
  /** auth_epoch in the same snapshot as the row (0102_auth_epoch.sql; a bigint as text). */
  auth_epoch: string;
}

export async function findTokenForAuth(sql: Db, tokenHash: Buffer): Promise<TokenAuthRow | null> {
  const [row] = await sql<TokenAuthRow[]>`
    SELECT t.id AS token_id, t.prefix, t.last4, t.expires_at, (t.expires_at IS NOT NULL AND t.expires_at <= now()) AS expired,
           t.revoked_at, t.last_used_at, t.replaces_token_id, t.activated_at, t.rotated_at,
           a.id AS agent_id, a.display_name, a.status AS agent_status,
           o.user_id AS owner_user_id, o.email AS owner_email, o.status AS owner_status,
           o.status_checked_at, o.status_unreachable_since,
           coalesce((SELECT json_agg(json_build_object(
                       'grant_id', g.id, 'project_id', g.project_id, 'workspace_slug', g.workspace_slug,
                       'project_identifier', g.project_identifier, 'project_name', g.project_name, 'scopes', g.scopes)
                     ORDER BY g.created_at, g.id)
                     FROM grants g WHERE g.agent_id = a.id), '[]'::json) AS grants,
           (SELECT epoch FROM auth_epoch)::text AS auth_epoch
    FROM agent_tokens t
    JOIN agents a ON a.id = t.agent_id
    JOIN owners o ON o.user_id = a.owner_user_id
    WHERE t.token_hash = ${tokenHash}`;
  return row ?? null;
}

/**
 * Marks a token used and its agent seen (callers throttle this to once per interval).
 * It locks token before agent, against the lock order, so it never waits for either row:
 * a row being revoked or rotated right now is skipped (the next touch writes it).
 */
export async function touchToken(sql: Db, tokenId: string): Promise<void> {
  await sql`
    WITH t AS (
      UPDATE agent_tokens SET last_used_at = now()
      WHERE id = (SELECT id FROM agent_tokens WHERE id = ${tokenId} FOR NO KEY UPDATE SKIP LOCKED)
      RETURNING agent_id
    )
    UPDATE agents SET last_seen_at = now()
    WHERE id = (SELECT a.id FROM agents a JOIN t ON a.id = t.agent_id FOR NO KEY UPDATE OF a SKIP LOCKED)`;
}
