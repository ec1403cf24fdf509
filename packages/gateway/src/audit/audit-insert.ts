import type { Sql, TransactionSql } from "postgres";
import type { AuditEventInput } from "./audit-event";
import type { AuditRow } from "./audit-query";

/** The INSERTs of audit events, one row or many in one statement. */
type Db = Sql | TransactionSql;

const SECRET_KEY = /token$|^token|secret|password|pepper|api_?key|^code$|pairing_code|authorization/i;

function withoutSecrets(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (SECRET_KEY.test(k) && !k.endsWith("_id")) continue;
    out[k] = withoutSecrets(v, depth + 1);
  }
  return out;
}

/** One audit_events row as inserted (ids are made here, so a batch maps its rows back exactly). */
export type AuditRowInput = Omit<AuditRow, "occurred_at" | "cursor_ts">;

export function auditRowOf(event: AuditEventInput, id: string): AuditRowInput {
  return {
    id,
    actor_type: event.actor_type,
    actor_user_id: event.actor_user_id ?? null,
    agent_id: event.agent_id ?? null,
    owner_user_id: event.owner_user_id ?? null,
    token_id: event.token_id ?? null,
    project_id: event.project_id ?? null,
    action: event.action,
    tool: event.tool ?? null,
    outcome: event.outcome,
    error_code: event.error_code ?? null,
    request_id: event.request_id,
    details: withoutSecrets(event.details ?? {}) as Record<string, unknown>,
  };
}

/** Inserts rows in one statement (a single row keeps the plain, prepared INSERT). */
export async function insertAuditEvents(sql: Db, rows: AuditRowInput[]): Promise<{ id: string; occurred_at: Date }[]> {
  if (rows.length === 1) {
    const e = rows[0]!;
    return sql<{ id: string; occurred_at: Date }[]>`
      INSERT INTO audit_events (id, actor_type, actor_user_id, agent_id, owner_user_id, token_id, project_id,
                                action, tool, outcome, error_code, request_id, details)
      VALUES (${e.id}, ${e.actor_type}, ${e.actor_user_id}, ${e.agent_id}, ${e.owner_user_id}, ${e.token_id}, ${e.project_id},
              ${e.action}, ${e.tool}, ${e.outcome}, ${e.error_code}, ${e.request_id}, ${sql.json(e.details as never)})
      RETURNING id, occurred_at`;
  }
  const col = <K extends keyof AuditRowInput>(k: K) => rows.map((r) => r[k]);
  return sql<{ id: string; occurred_at: Date }[]>`
    INSERT INTO audit_events (id, actor_type, actor_user_id, agent_id, owner_user_id, token_id, project_id,
                              action, tool, outcome, error_code, request_id, details)
    SELECT e.id::uuid, e.actor_type, e.actor_user_id, e.agent_id::uuid, e.owner_user_id, e.token_id::uuid, e.project_id::uuid,
           e.action, e.tool, e.outcome, e.error_code, e.request_id, e.details::jsonb
    FROM unnest(${col("id")}::text[], ${col("actor_type")}::text[], ${col("actor_user_id")}::text[], ${col("agent_id")}::text[],
                ${col("owner_user_id")}::text[], ${col("token_id")}::text[], ${col("project_id")}::text[], ${col("action")}::text[],
                ${col("tool")}::text[], ${col("outcome")}::text[], ${col("error_code")}::text[], ${col("request_id")}::text[],
                ${rows.map((r) => JSON.stringify(r.details))}::text[])
      AS e(id, actor_type, actor_user_id, agent_id, owner_user_id, token_id, project_id, action, tool, outcome, error_code, request_id, details)
    RETURNING id, occurred_at`;
}
