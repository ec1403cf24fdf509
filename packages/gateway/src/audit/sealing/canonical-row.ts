import type { Sql, TransactionSql } from "postgres";
import { leafHash } from "./merkle";

/**
 * The bytes a leaf commits to: one whole audit_events row, rendered so that the same row
 * always gives the same bytes on any server, session or client (encoding "v1"):
 *
 *   JSON.stringify(["v1", id, occurred_at, actor_type, actor_user_id, agent_id,
 *                   owner_user_id, token_id, project_id, action, tool, outcome,
 *                   error_code, request_id, details, ...extra])
 *
 * Every value is Postgres's text form (uuid lower-case hex, occurred_at as
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC, details as jsonb's own normalised text, which
 * keeps numbers exact) or null. Columns added to audit_events later are covered too:
 * each non-null one is appended as [name, text] in name order, so old rows (null there)
 * keep their hashes and a new column is still sealed.
 */
export const CANONICAL_VERSION = "v1";

export const CANONICAL_COLUMNS = [
  "id",
  "occurred_at",
  "actor_type",
  "actor_user_id",
  "agent_id",
  "owner_user_id",
  "token_id",
  "project_id",
  "action",
  "tool",
  "outcome",
  "error_code",
  "request_id",
  "details",
] as const;

/** A row as selected by `canonicalSelect`: every column as text or null. */
export type CanonicalRow = Record<string, string | null>;

type Db = Sql | TransactionSql;

/** audit_events columns this encoding does not name (from the catalog, sorted). */
export async function extraAuditColumns(sql: Db): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    SELECT attname AS name FROM pg_attribute
    WHERE attrelid = 'audit_events'::regclass AND attnum > 0 AND NOT attisdropped
    ORDER BY attname`;
  const known = new Set<string>(CANONICAL_COLUMNS);
  return rows.map((r) => r.name).filter((n) => !known.has(n));
}

/**
 * The SELECT list over `audit_events e` (alias `e`) that yields a CanonicalRow. Extra
 * columns are cast to text, so the session must run with TimeZone UTC and DateStyle ISO
 * (see `pinTextFormats`).
 */
export function canonicalSelect(sql: Db, extra: readonly string[]) {
  const extras = extra.map((name, i) => sql`, e.${sql(name)}::text AS ${sql(`x${i}`)}`);
  return sql`e.id::text AS id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS occurred_at,
    e.actor_type, e.actor_user_id, e.agent_id::text AS agent_id, e.owner_user_id, e.token_id::text AS token_id,
    e.project_id::text AS project_id, e.action, e.tool, e.outcome, e.error_code, e.request_id, e.details::text AS details
    ${extras.length ? extras.reduce((a, b) => sql`${a}${b}`) : sql``}`;
}

/** Text casts of the extra columns must not depend on the session: pin them for this transaction. */
export async function pinTextFormats(tx: TransactionSql): Promise<void> {
  await tx`SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true)`;
}

export function canonicalBytes(row: CanonicalRow, extra: readonly string[]): Buffer {
  const values: unknown[] = [CANONICAL_VERSION];
  for (const column of CANONICAL_COLUMNS) values.push(row[column] ?? null);
  extra.forEach((name, i) => {
    const value = row[`x${i}`];
    if (value !== null && value !== undefined) values.push([name, value]);
  });
  return Buffer.from(JSON.stringify(values), "utf8");
}

export function canonicalLeafHash(row: CanonicalRow, extra: readonly string[]): Buffer {
  return leafHash(canonicalBytes(row, extra));
}
