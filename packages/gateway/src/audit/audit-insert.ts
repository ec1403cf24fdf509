import type { Sql, TransactionSql } from "postgres";
import type { AuditEventInput } from "./audit-event";
import type { AuditRow } from "./audit-query";
import { toStorableText } from "@nodedc/shared";
import { auditEventId } from "./event-id";

/** The INSERTs of audit events, one row or many in one statement. */
type Db = Sql | TransactionSql;

const SECRET_KEY = /token$|^token|secret|password|pepper|api_?key|^code$|pairing_code|authorization/i;
const MAX_DEPTH = 6;

/**
 * What goes into an audit row, made so that no input can make the INSERT fail: keys that
 * look like secrets are dropped, every string (keys too) is made storable text — NUL and
 * unpaired surrogates, which Postgres refuses in jsonb (22P05, 22P02), become U+FFFD —
 * and values JSON cannot carry (bigint, functions, cycles, nesting past MAX_DEPTH) become
 * plain strings. The event of a request carrying such bytes is written, never lost.
 */
function storableDetail(value: unknown, depth: number, seen: Set<object>): unknown {
  if (typeof value === "string") return toStorableText(value);
  if (value === null || typeof value === "number" || typeof value === "boolean" || value === undefined) return value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object") return `[${typeof value}]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return "[nested too deep]";
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => storableDetail(v, depth + 1, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_KEY.test(k) && !k.endsWith("_id")) continue;
      out[toStorableText(k)] = storableDetail(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

const text = (value: string | null | undefined): string | null => (value == null ? null : toStorableText(value));

/** One audit_events row as inserted, every text storable (ids are made here, so a batch maps its rows back exactly). */
export type AuditRowInput = Omit<AuditRow, "occurred_at" | "cursor_ts">;

export function auditRowOf(event: AuditEventInput, id: string = auditEventId()): AuditRowInput {
  return {
    id,
    actor_type: event.actor_type,
    actor_user_id: text(event.actor_user_id),
    agent_id: event.agent_id ?? null,
    owner_user_id: text(event.owner_user_id),
    token_id: event.token_id ?? null,
    project_id: event.project_id ?? null,
    action: toStorableText(event.action),
    tool: text(event.tool),
    outcome: event.outcome,
    error_code: text(event.error_code),
    request_id: toStorableText(event.request_id),
    details: storableDetail(event.details ?? {}, 0, new Set()) as Record<string, unknown>,
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
