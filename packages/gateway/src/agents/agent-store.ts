import type { Sql, TransactionSql } from "postgres";
import { LIMITS, type Agent } from "@nodedc/shared";

/** SQL owned by the agents domain. Status `suspended` is derived: an active/paused agent of a blocked owner. */
type Db = Sql | TransactionSql;

export interface AgentRow {
  id: string;
  display_name: string;
  owner_user_id: string;
  status: "active" | "paused" | "suspended" | "revoked";
  stored_status: "active" | "paused" | "revoked";
  last_seen_at: Date | null;
  created_at: Date;
  connection_status: "connected" | "stale" | "never_connected";
  /** created_at with microseconds, for keyset cursors. */
  cursor_ts: string;
}

const SELECT_AGENT = (sql: Db) => sql`
  SELECT a.id, a.display_name, a.owner_user_id, a.status AS stored_status, a.last_seen_at, a.created_at,
         to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_ts,
         CASE WHEN a.status <> 'revoked' AND o.status = 'blocked' THEN 'suspended'
              WHEN a.status <> 'revoked' AND o.status = 'annulled' THEN 'revoked'
              ELSE a.status END AS status,
         CASE WHEN a.last_seen_at IS NULL THEN 'never_connected'
              WHEN a.last_seen_at > now() - make_interval(secs => ${LIMITS.connected_window_s}) THEN 'connected'
              ELSE 'stale' END AS connection_status
  FROM agents a JOIN owners o ON o.user_id = a.owner_user_id`;

export function agentView(row: AgentRow): Agent {
  return {
    id: row.id,
    display_name: row.display_name,
    owner_user_id: row.owner_user_id,
    status: row.status,
    connection_status: row.connection_status,
    last_seen_at: row.last_seen_at?.toISOString() ?? null,
    created_at: row.created_at.toISOString(),
  };
}

export async function insertAgent(sql: Db, ownerUserId: string, displayName: string, createdBy: string): Promise<AgentRow> {
  const [created] = await sql<{ id: string }[]>`
    INSERT INTO agents (owner_user_id, display_name, created_by) VALUES (${ownerUserId}, ${displayName}, ${createdBy}) RETURNING id`;
  return (await getAgent(sql, created!.id))!;
}

export async function getAgent(sql: Db, id: string): Promise<AgentRow | null> {
  const [row] = await sql<AgentRow[]>`${SELECT_AGENT(sql)} WHERE a.id = ${id}`;
  return row ?? null;
}

export interface AgentPageQuery {
  /** null → every owner (platform admin). */
  ownerUserId: string | null;
  limit: number;
  after: { ts: string; id: string } | null;
}

/** Newest first, keyset on (created_at, id). */
export async function listAgents(sql: Db, q: AgentPageQuery): Promise<AgentRow[]> {
  return sql<AgentRow[]>`
    ${SELECT_AGENT(sql)}
    WHERE true
      ${q.ownerUserId !== null ? sql`AND a.owner_user_id = ${q.ownerUserId}` : sql``}
      ${q.after ? sql`AND (a.created_at, a.id) < (${q.after.ts}::timestamptz, ${q.after.id}::uuid)` : sql``}
    ORDER BY a.created_at DESC, a.id DESC
    LIMIT ${q.limit}`;
}

export async function updateAgent(
  sql: Db,
  id: string,
  change: { display_name?: string | undefined; status?: "active" | "paused" | undefined },
): Promise<void> {
  await sql`
    UPDATE agents SET
      display_name = coalesce(${change.display_name ?? null}, display_name),
      status = CASE WHEN status = 'revoked' THEN status ELSE coalesce(${change.status ?? null}, status) END,
      updated_at = now()
    WHERE id = ${id}`;
}

/** Permanent: the agent can never be reactivated. */
export async function markAgentRevoked(sql: Db, id: string): Promise<void> {
  await sql`UPDATE agents SET status = 'revoked', revoked_at = coalesce(revoked_at, now()), updated_at = now() WHERE id = ${id}`;
}
