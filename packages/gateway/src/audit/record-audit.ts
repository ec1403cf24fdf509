import type { Sql, TransactionSql } from "postgres";
import type { AuditEventInput } from "../pipeline/types";

/**
 * Writes one append-only audit event (DESIGN §8). Pass a transaction to make the event
 * part of the change it records. `details` must never hold a secret: tokens and codes are
 * referred to by id only, and keys that look like secrets are dropped as a last guard.
 */
export type AuditDb = Sql | TransactionSql;
export interface RecordAuditOptions {
  /**
   * false: commit without waiting for the WAL flush (the relaxed pool). For events of
   * requests that change nothing in Tasker (reads, denials); default true. Ignored when a
   * transaction is passed (the event then shares its fate).
   */
  durable?: boolean;
}
export type RecordAudit = (event: AuditEventInput, db?: AuditDb, options?: RecordAuditOptions) => Promise<{ id: string; occurred_at: Date }>;

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

export async function recordAudit(sql: AuditDb, event: AuditEventInput): Promise<{ id: string; occurred_at: Date }> {
  const details = withoutSecrets(event.details ?? {}) as Record<string, unknown>;
  const [row] = await sql<{ id: string; occurred_at: Date }[]>`
    INSERT INTO audit_events (actor_type, actor_user_id, agent_id, owner_user_id, token_id, project_id,
                              action, tool, outcome, error_code, request_id, details)
    VALUES (${event.actor_type}, ${event.actor_user_id ?? null}, ${event.agent_id ?? null}, ${event.owner_user_id ?? null},
            ${event.token_id ?? null}, ${event.project_id ?? null}, ${event.action}, ${event.tool ?? null},
            ${event.outcome}, ${event.error_code ?? null}, ${event.request_id}, ${sql.json(details as never)})
    RETURNING id, occurred_at`;
  return row!;
}

/** recordAudit bound to the gateway's pools; a transaction may be passed per call. */
export function bindRecordAudit(sql: Sql, relaxedSql: Sql = sql): RecordAudit {
  return (event, db, options) => recordAudit(db ?? (options?.durable === false ? relaxedSql : sql), event);
}
