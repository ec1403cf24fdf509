import type { Sql, TransactionSql } from "postgres";

/**
 * The bytes a leaf commits to: one whole audit_events row, rendered so that the same row
 * always gives the same bytes on any server, session or client (encoding "v1"): the UTF-8 of
 * the JSON array
 *
 *   ["v1", id, occurred_at, actor_type, actor_user_id, agent_id, owner_user_id, token_id,
 *    project_id, action, tool, outcome, error_code, request_id, details, ...extra]
 *
 * written as Postgres's json_build_array writes it (elements separated by ", ", strings
 * escaped as JSON.stringify does),
 * where every value is Postgres's text form (uuid lower-case hex, occurred_at as
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ` in UTC, details as jsonb's own normalised text, which
 * keeps numbers exact) or null. Columns added to audit_events later are covered too: each
 * non-null one is appended as [name, text] in name order, so old rows (null there) keep
 * their hashes and a new column is still sealed.
 *
 * The database builds the text and the leaf hash SHA-256(0x00 || text) itself
 * (`leafHashSql`): the sealer and audit:verify read 32 bytes per row instead of the row,
 * which is what lets verify go through a million events in seconds. `canonicalText` is the
 * same encoding in JS (tests pin the two together; auditors can recompute a leaf from an
 * exported row with it).
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

type Db = Sql | TransactionSql;

/** audit_events columns this encoding does not name (from the catalog, sorted). */
export async function extraAuditColumns(sql: Db): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`
    SELECT attname AS name FROM pg_attribute
    WHERE attrelid = 'audit_events'::regclass AND attnum > 0 AND NOT attisdropped
    ORDER BY attname COLLATE "C"`;
  const known = new Set<string>(CANONICAL_COLUMNS);
  return rows.map((r) => r.name).filter((n) => !known.has(n));
}

/**
 * The v1 text of row `e` as a SQL expression (one json_build_array call: several times
 * cheaper per row than a to_json per column). Extra columns are cast to text, so the
 * session must run with `pinTextFormats` (TimeZone UTC, DateStyle ISO).
 */
export function canonicalTextSql(sql: Db, extra: readonly string[]) {
  const known = sql`json_build_array(${CANONICAL_VERSION}::text, e.id::text,
    to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.actor_type, e.actor_user_id, e.agent_id::text,
    e.owner_user_id, e.token_id::text, e.project_id::text, e.action, e.tool, e.outcome, e.error_code, e.request_id, e.details::text)::text`;
  if (extra.length === 0) return known;
  const extras = extra.map((name) => sql`CASE WHEN e.${sql(name)} IS NULL THEN '' ELSE ', ' || json_build_array(${name}::text, e.${sql(name)}::text)::text END`);
  return sql`(left(${known}, -1) || ${extras.reduce((a, b) => sql`${a} || ${b}`)} || ']')`;
}

/** SHA-256(0x00 || UTF-8 of the v1 text) of row `e`: the RFC 6962 leaf hash, as bytea. */
export function leafHashSql(sql: Db, extra: readonly string[]) {
  return sql`sha256('\\x00'::bytea || convert_to(${canonicalTextSql(sql, extra)}, 'UTF8'))`;
}

/** Text casts of the extra columns must not depend on the session: pin them for this transaction. */
export async function pinTextFormats(tx: TransactionSql): Promise<void> {
  await tx`SELECT set_config('TimeZone', 'UTC', true), set_config('DateStyle', 'ISO, YMD', true), set_config('IntervalStyle', 'postgres', true), set_config('extra_float_digits', '1', true)`;
}

/** The v1 encoding in JS, from the text forms (`values` by column name; extras in name order). */
export function canonicalText(values: Record<string, string | null>, extra: readonly string[] = []): string {
  const out = [CANONICAL_VERSION, ...CANONICAL_COLUMNS.map((c) => values[c] ?? null)].map((v) => JSON.stringify(v));
  for (const name of extra) {
    const value = values[name];
    if (value !== null && value !== undefined) out.push(`[${JSON.stringify(name)}, ${JSON.stringify(value)}]`);
  }
  return `[${out.join(", ")}]`;
}
