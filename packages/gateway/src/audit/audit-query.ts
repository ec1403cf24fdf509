import type { Sql } from "postgres";
import type { AuditEvent } from "@nodedc/shared";
import type { KeysetCursor } from "../http/cursor";

export interface AuditFilter {
  /** null → all owners (platform admin). */
  ownerUserId: string | null;
  agentId?: string | undefined;
  projectId?: string | undefined;
  action?: string | undefined;
  outcome?: AuditEvent["outcome"] | undefined;
  since?: string | undefined;
  after: KeysetCursor | null;
  limit: number;
}

export interface AuditRow {
  id: string;
  occurred_at: Date;
  cursor_ts: string;
  actor_type: AuditEvent["actor_type"];
  actor_user_id: string | null;
  agent_id: string | null;
  owner_user_id: string | null;
  token_id: string | null;
  project_id: string | null;
  action: string;
  tool: string | null;
  outcome: AuditEvent["outcome"];
  error_code: string | null;
  request_id: string;
  details: Record<string, unknown>;
}

export function auditView(row: AuditRow): AuditEvent {
  const { cursor_ts: _cursor, occurred_at, ...rest } = row;
  return { ...rest, occurred_at: occurred_at.toISOString() };
}

/** Newest first, keyset on (occurred_at, id); every filter maps onto an index. */
export async function queryAuditEvents(sql: Sql, f: AuditFilter): Promise<AuditRow[]> {
  return sql<AuditRow[]>`
    SELECT id, occurred_at, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_ts,
           actor_type, actor_user_id, agent_id, owner_user_id, token_id, project_id, action, tool, outcome,
           error_code, request_id, details
    FROM audit_events
    WHERE true
      ${f.ownerUserId !== null ? sql`AND owner_user_id = ${f.ownerUserId}` : sql``}
      ${f.agentId ? sql`AND agent_id = ${f.agentId}` : sql``}
      ${f.projectId ? sql`AND project_id = ${f.projectId}` : sql``}
      ${f.action ? sql`AND action = ${f.action}` : sql``}
      ${f.outcome ? sql`AND outcome = ${f.outcome}` : sql``}
      ${f.since ? sql`AND occurred_at >= ${f.since}::timestamptz` : sql``}
      ${f.after ? sql`AND (occurred_at, id) < (${f.after.ts}::timestamptz, ${f.after.id}::uuid)` : sql``}
    ORDER BY occurred_at DESC, id DESC
    LIMIT ${f.limit}`;
}

/**
 * What `viewer` may see (null: a platform admin, everything). An owner asking for one
 * agent gets it only if the agent is theirs, and then the events are read by agent alone:
 * with both filters the planner ANDs two indexes and sorts (14–29 ms at 100k events),
 * while the agent index alone reads the page's rows in order.
 */
export async function listAuditEventsFor(sql: Sql, viewer: string | null, f: Omit<AuditFilter, "ownerUserId">): Promise<AuditRow[]> {
  if (viewer !== null && f.agentId) {
    const [owned] = await sql`SELECT 1 FROM agents WHERE id = ${f.agentId} AND owner_user_id = ${viewer}`;
    if (!owned) return [];
    return queryAuditEvents(sql, { ...f, ownerUserId: null });
  }
  return queryAuditEvents(sql, { ...f, ownerUserId: viewer });
}
