import type { Sql, TransactionSql } from "postgres";
import { createAuditBatcher } from "./audit-batcher";
import { auditRowOf, insertAuditEvents } from "./audit-insert";
import type { AuditEventInput } from "./audit-event";

/**
 * Writes one append-only audit event (DESIGN §8). `details` must never hold a secret:
 * tokens and codes are referred to by id only, and keys that look like secrets are dropped
 * as a last guard.
 */
export type AuditDb = Sql | TransactionSql;
export type AuditWritten = { id: string; occurred_at: Date };

/**
 * The gateway's audit writer. Each method names where the event lands, so a call site
 * shows what a crash right after it can lose:
 * - `durable`: committed with its WAL flush before the promise settles (events of
 *   changes: a Tasker write never happens before its `allowed` event is durable);
 * - `relaxed`: the `synchronous_commit = off` pool, for events of requests that change
 *   nothing (reads, denials): a database crash in that instant may lose the event;
 * - `inTransaction`: part of `tx`, so the event commits or rolls back with the change.
 */
export interface RecordAudit {
  durable(event: AuditEventInput): Promise<AuditWritten>;
  relaxed(event: AuditEventInput): Promise<AuditWritten>;
  inTransaction(tx: AuditDb, event: AuditEventInput): Promise<AuditWritten>;
}

export async function recordAudit(sql: AuditDb, event: AuditEventInput): Promise<AuditWritten> {
  const [row] = await insertAuditEvents(sql, [auditRowOf(event)]);
  return row!;
}

/** Called when an audit event could not be written: the caller's own answer goes on. */
export type AuditFailureAlarm = (event: AuditEventInput, error: unknown) => void;

/**
 * The audit writer bound to the gateway's pools. Events outside a transaction go through
 * one group-commit batcher per pool (audit-batcher.ts). A failed write sounds `alarm` (a
 * metric and an error log in the app) before the error reaches the caller: denial paths
 * answer their 4xx even then, so it must never be silent.
 */
export function bindRecordAudit(sql: Sql, relaxedSql: Sql = sql, alarm?: AuditFailureAlarm): RecordAudit {
  const durable = createAuditBatcher(sql);
  const relaxed = relaxedSql === sql ? durable : createAuditBatcher(relaxedSql);
  const alarmed = async (write: () => Promise<AuditWritten>, event: AuditEventInput): Promise<AuditWritten> => {
    try {
      return await write();
    } catch (error) {
      alarm?.(event, error);
      throw error;
    }
  };
  return {
    durable: (event) => alarmed(() => durable.add(event), event),
    relaxed: (event) => alarmed(() => relaxed.add(event), event),
    inTransaction: (tx, event) => alarmed(() => recordAudit(tx, event), event),
  };
}
