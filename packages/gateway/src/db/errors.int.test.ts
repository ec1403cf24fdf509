import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "postgres";
import { createIsolatedDatabase, type IsolatedDatabase } from "../testing/isolated-database";
import { connect } from "./database";
import { mapDbError, sqlStateOf } from "./errors";

/** Bytes Postgres refuses are bad input: a non-retryable 422, whatever query they reach. */
let db: IsolatedDatabase;
let sql: Sql;
beforeAll(async () => {
  db = await createIsolatedDatabase();
  sql = connect(db.url, { max: 2 });
});
afterAll(async () => {
  await sql?.end();
  await db?.close();
});

describe("SQLSTATE of unstorable text", () => {
  it.each<[string, string, () => Promise<unknown>]>([
    ["NUL in text", "22021", () => sql`SELECT ${"a\u0000b"}::text AS v`],
    ["NUL in jsonb", "22P05", () => sql`SELECT ${sql.json({ v: "a\u0000b" })}::jsonb AS v`],
    ["an unpaired surrogate in jsonb", "22P02", () => sql`SELECT (${'{"v":"\\ud800"}'}::text)::jsonb AS v`],
  ])("%s → %s → 422 validation_failed, not retryable", async (_what, state, query) => {
    const error = await query().then(() => null, (e: unknown) => e);
    expect(sqlStateOf(error)).toBe(state);
    const mapped = mapDbError(error);
    expect([mapped?.status, mapped?.code, mapped?.retryable]).toEqual([422, "validation_failed", false]);
  });
});
