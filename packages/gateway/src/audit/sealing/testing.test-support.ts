import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import { auditRowOf, insertAuditEvents } from "../audit-insert";
import { canonicalSelect, extraAuditColumns, pinTextFormats, type CanonicalRow } from "./canonical-row";

/** Writes `n` audit events in one statement as the gateway does; returns their ids in order. */
export async function writeEvents(sql: Sql, n: number, owner = "user-sealing", label = "test"): Promise<string[]> {
  const rows = Array.from({ length: n }, (_, i) =>
    auditRowOf(
      { actor_type: "user", actor_user_id: owner, owner_user_id: owner, action: `sealing.${label}`, outcome: "allowed", request_id: randomUUID(), details: { i, note: "ünïcode ✓", ratio: 0.1 } },
      randomUUID(),
    ),
  );
  await insertAuditEvents(sql, rows);
  return rows.map((r) => r.id);
}

/** Runs `fn` as the superuser with every trigger off: what a DBA bypassing the protection does. */
export async function asTamperingSuperuser(adminSql: Sql, fn: (tx: Sql) => Promise<unknown>): Promise<void> {
  await adminSql.begin(async (tx) => {
    await tx`SET LOCAL session_replication_role = replica`;
    await fn(tx as unknown as Sql);
  });
}

/** One event as the sealer encodes it, with the extra columns of the encoding. */
export async function canonicalRowOf(sql: Sql, id: string): Promise<{ row: CanonicalRow; extra: string[] }> {
  return sql.begin(async (tx) => {
    await pinTextFormats(tx);
    const extra = await extraAuditColumns(tx);
    const [row] = await tx<CanonicalRow[]>`SELECT ${canonicalSelect(tx, extra)} FROM audit_events e WHERE id = ${id}`;
    return { row: row!, extra };
  });
}
