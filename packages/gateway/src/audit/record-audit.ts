import { randomUUID } from "node:crypto";
import type { Sql, TransactionSql } from "postgres";
import { createAuditBatcher } from "./audit-batcher";
import { auditRowOf, insertAuditEvents } from "./audit-insert";
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

export async function recordAudit(sql: AuditDb, event: AuditEventInput): Promise<{ id: string; occurred_at: Date }> {
  const [row] = await insertAuditEvents(sql, [auditRowOf(event, randomUUID())]);
  return row!;
}

/** Called when an audit event could not be written: the caller's own answer goes on. */
export type AuditFailureAlarm = (event: AuditEventInput, error: unknown) => void;

/**
 * recordAudit bound to the gateway's pools; a transaction may be passed per call. Events
 * outside a transaction go through one group-commit batcher per pool (audit-batcher.ts).
 * A failed write sounds `alarm` (a metric and an error log in the app) before the error
 * reaches the caller: denial paths answer their 4xx even then, so it must never be silent.
 */
export function bindRecordAudit(sql: Sql, relaxedSql: Sql = sql, alarm?: AuditFailureAlarm): RecordAudit {
  const durable = createAuditBatcher(sql);
  const relaxed = relaxedSql === sql ? durable : createAuditBatcher(relaxedSql);
  return async (event, db, options) => {
    try {
      return await (db ? recordAudit(db, event) : (options?.durable === false ? relaxed : durable).add(event));
    } catch (error) {
      alarm?.(event, error);
      throw error;
    }
  };
}
