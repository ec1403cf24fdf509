import type { Sql } from "postgres";
import type { AuditEventInput } from "./audit-event";
import { insertAuditEvents, type AuditRowInput, auditRowOf } from "./audit-insert";

/**
 * Group commit for audit events. Every tool call writes one; under load most of a call's
 * database cost was that INSERT's own round trip and commit. Events that arrive while an
 * INSERT is in flight go out together in the next one (one statement, one commit, one
 * WAL flush on the durable pool), so the commits per second stop growing with the calls
 * per second. A lone event waits for nothing but the current turn of the event loop.
 * Each caller still awaits its own event's commit. A failing batch is retried event by
 * event, so one bad event cannot take the others down with it.
 */
export interface AuditBatcher {
  add(event: AuditEventInput): Promise<{ id: string; occurred_at: Date }>;
}

interface Pending {
  row: AuditRowInput;
  resolve(value: { id: string; occurred_at: Date }): void;
  reject(error: unknown): void;
}

export function createAuditBatcher(sql: Sql, options: { maxBatch?: number } = {}): AuditBatcher {
  const maxBatch = options.maxBatch ?? 200;
  const queue: Pending[] = [];
  let running = false;

  async function write(batch: Pending[]): Promise<void> {
    try {
      const rows = await insertAuditEvents(sql, batch.map((p) => p.row));
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const p of batch) {
        const row = byId.get(p.row.id);
        if (row) p.resolve(row);
        else p.reject(new Error("audit event missing from its batch's RETURNING"));
      }
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const p of batch) await write([p]);
    }
  }

  async function drain(): Promise<void> {
    try {
      while (queue.length > 0) await write(queue.splice(0, maxBatch));
    } finally {
      running = false;
    }
  }

  return {
    add(event) {
      return new Promise((resolve, reject) => {
        queue.push({ row: auditRowOf(event), resolve, reject });
        if (!running) {
          running = true;
          setImmediate(() => void drain());
        }
      });
    },
  };
}
