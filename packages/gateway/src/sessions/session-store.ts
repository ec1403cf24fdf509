import type { Sql, TransactionSql } from "postgres";
import { wrapUntrusted, type SESSION_STATUSES } from "@nodedc/shared";

/**
 * The latest report_session state per (agent, card) — table agent_card_sessions
 * (0101_sessions.sql). Returned by get_card as `sessions[]` and by report_session.
 */
type Db = Sql | TransactionSql;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

interface SessionRow {
  agent_id: string;
  agent_name: string | null;
  project_id: string;
  card_id: string;
  status: SessionStatus;
  summary: string;
  comment_id: string | null;
  started_at: Date;
  updated_at: Date;
}

function present(row: SessionRow) {
  return {
    agent_id: row.agent_id,
    agent_name: wrapUntrusted(row.agent_name ?? "(unknown agent)"),
    project_id: row.project_id,
    card_id: row.card_id,
    status: row.status,
    summary: wrapUntrusted(row.summary),
    comment_id: row.comment_id,
    started_at: row.started_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
export type SessionView = ReturnType<typeof present>;

export async function upsertSession(
  db: Db,
  s: { agent_id: string; project_id: string; card_id: string; status: SessionStatus; summary: string; comment_id: string; request_id: string },
): Promise<SessionView> {
  const [row] = await db<SessionRow[]>`
    WITH up AS (
      INSERT INTO agent_card_sessions (agent_id, card_id, project_id, status, summary, comment_id, request_id)
      VALUES (${s.agent_id}, ${s.card_id}, ${s.project_id}, ${s.status}, ${s.summary}, ${s.comment_id}, ${s.request_id})
      ON CONFLICT (agent_id, card_id) DO UPDATE
        SET status = EXCLUDED.status, summary = EXCLUDED.summary, comment_id = EXCLUDED.comment_id,
            request_id = EXCLUDED.request_id, project_id = EXCLUDED.project_id, updated_at = now(),
            started_at = CASE WHEN EXCLUDED.status = 'started' AND agent_card_sessions.status = 'completed'
                              THEN now() ELSE agent_card_sessions.started_at END
      RETURNING *)
    SELECT up.*, a.display_name AS agent_name FROM up LEFT JOIN agents a ON a.id = up.agent_id`;
  return present(row!);
}

export async function listSessionsOfCard(db: Db, projectId: string, cardId: string): Promise<SessionView[]> {
  const rows = await db<SessionRow[]>`
    SELECT s.*, a.display_name AS agent_name
      FROM agent_card_sessions s LEFT JOIN agents a ON a.id = s.agent_id
     WHERE s.card_id = ${cardId} AND s.project_id = ${projectId}
     ORDER BY s.updated_at DESC
     LIMIT 20`;
  return rows.map(present);
}

/** The latest session state of every card one agent reported on (owner console). */
export async function listSessionsOfAgent(db: Db, agentId: string, limit = 50): Promise<SessionView[]> {
  const rows = await db<SessionRow[]>`
    SELECT s.*, a.display_name AS agent_name
      FROM agent_card_sessions s LEFT JOIN agents a ON a.id = s.agent_id
     WHERE s.agent_id = ${agentId}
     ORDER BY s.updated_at DESC
     LIMIT ${limit}`;
  return rows.map(present);
}
