import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "postgres";
import { createIsolatedDatabase, type IsolatedDatabase } from "../testing/isolated-database";
import { APP_ROLE, connect } from "./database";
import { loadMigrations, migrate, migrationsApplied } from "./migrate";
import { sqlStateOf, SQLSTATE } from "./errors";

let db: IsolatedDatabase;
let admin: Sql;

beforeAll(async () => {
  db = await createIsolatedDatabase();
  admin = connect(db.url, { max: 4 });
});
afterAll(async () => {
  await admin?.end({ timeout: 5 });
  await db?.close();
});

describe("migrations", () => {
  it("starts with 0001_core.sql and numbers files uniquely", () => {
    const migrations = loadMigrations();
    expect(migrations[0]).toMatchObject({ version: 1, name: "core" });
    expect(new Set(migrations.map((m) => m.version)).size).toBe(migrations.length);
  });

  it("are not applied on an empty database", async () => {
    await expect(migrationsApplied(admin)).rejects.toThrow();
  });

  it("apply exactly once when two replicas migrate at the same time", async () => {
    const a = connect(db.url, { max: 1 });
    const b = connect(db.url, { max: 1 });
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      const count = loadMigrations().length;
      expect([ra.applied.length, rb.applied.length].sort()).toEqual([0, count]);
      expect(ra.alreadyApplied + rb.alreadyApplied).toBe(count);
    } finally {
      await Promise.all([a.end(), b.end()]);
    }
    const rows = await admin<{ version: number }[]>`SELECT version FROM schema_migrations ORDER BY version`;
    expect(rows.map((r) => r.version)).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrationsApplied(admin)).toBe(true);
  });

  it("are a no-op the second time", async () => {
    const result = await migrate(admin);
    expect(result.applied).toEqual([]);
    expect(result.changed).toEqual([]);
  });

  it("reports an applied file that changed since", async () => {
    const changed = loadMigrations().map((m) => (m.version === 1 ? { ...m, checksum: "edited" } : m));
    expect((await migrate(admin, changed)).changed).toEqual(["1_core"]);
  });

  it("make audit_events append-only even for the table owner (trigger)", async () => {
    await admin`INSERT INTO audit_events (actor_type, action, outcome, request_id) VALUES ('system', 'test.append', 'allowed', 'r1')`;
    const attempts = [
      () => admin`UPDATE audit_events SET action = 'tampered'`,
      () => admin`DELETE FROM audit_events`,
      () => admin`TRUNCATE audit_events`,
    ];
    for (const attempt of attempts) {
      const error = await attempt().then(() => null, (e: unknown) => e);
      expect(sqlStateOf(error)).toBe(SQLSTATE.insufficientPrivilege);
    }
    const [row] = await admin<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_events WHERE action = 'test.append'`;
    expect(row!.n).toBe(1);
  });

  it("give the runtime role no UPDATE/DELETE/TRUNCATE on audit_events where roles exist", async () => {
    const [row] = await admin<{ role_exists: boolean }[]>`SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${APP_ROLE}) AS role_exists`;
    // PGlite can create roles too; on both servers the role must exist after migrating.
    expect(row!.role_exists).toBe(true);
    const [priv] = await admin<{ upd: boolean; del: boolean; trunc: boolean; ins: boolean; sel: boolean }[]>`
      SELECT has_table_privilege(${APP_ROLE}, 'audit_events', 'UPDATE') AS upd,
             has_table_privilege(${APP_ROLE}, 'audit_events', 'DELETE') AS del,
             has_table_privilege(${APP_ROLE}, 'audit_events', 'TRUNCATE') AS trunc,
             has_table_privilege(${APP_ROLE}, 'audit_events', 'INSERT') AS ins,
             has_table_privilege(${APP_ROLE}, 'audit_events', 'SELECT') AS sel`;
    expect(priv).toEqual({ upd: false, del: false, trunc: false, ins: true, sel: true });
  });
});
