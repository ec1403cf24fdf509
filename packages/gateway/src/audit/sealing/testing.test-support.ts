import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import { auditRowOf, insertAuditEvents } from "../audit-insert";
import { CANONICAL_COLUMNS, canonicalText, canonicalTextSql, extraAuditColumns, leafHashSql, pinTextFormats } from "./canonical-row";
import { leafHash } from "./merkle";

/** Writes `n` audit events in one statement as the gateway does; returns their ids in order. */
export async function writeEvents(sql: Sql, n: number, owner = "user-sealing", label = "test"): Promise<string[]> {
  const rows = Array.from({ length: n }, (_, i) =>
    auditRowOf(
      { actor_type: "user", actor_user_id: owner, owner_user_id: owner, action: `sealing.${label}`, outcome: "allowed", request_id: randomUUID(), details: { i, note: 'ünïcode ✓ "quoted" \\ back\nslash\t\u0001', ratio: 0.1 } },
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

/**
 * One event as the sealer encodes it: its columns' text forms, the database's v1 text and
 * leaf hash, and the leaf hash of the same encoding built in JS from the text forms.
 */
export async function canonicalRowOf(sql: Sql, id: string): Promise<{ values: Record<string, string | null>; extra: string[]; sqlText: string; sqlHash: Buffer; jsHash: Buffer }> {
  return sql.begin(async (tx) => {
    await pinTextFormats(tx);
    const extra = await extraAuditColumns(tx);
    const columns = [...CANONICAL_COLUMNS.map((c) => (c === "occurred_at" ? tx`to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at` : tx`e.${tx(c)}::text AS ${tx(c)}`)), ...extra.map((c) => tx`e.${tx(c)}::text AS ${tx(c)}`)];
    const list = columns.reduce((a, b) => tx`${a}, ${b}`);
    const [row] = await tx<Record<string, string | null>[]>`
      SELECT ${list}, ${canonicalTextSql(tx, extra)} AS sql_text, encode(${leafHashSql(tx, extra)}, 'hex') AS sql_hash
      FROM audit_events e WHERE id = ${id}`;
    const { sql_text, sql_hash, ...values } = row!;
    return { values, extra, sqlText: sql_text!, sqlHash: Buffer.from(sql_hash!, "hex"), jsHash: leafHash(Buffer.from(canonicalText(values, extra), "utf8")) };
  });
}
