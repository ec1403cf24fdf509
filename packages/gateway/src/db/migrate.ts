import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Sql } from "postgres";

/**
 * SQL migrations: `migrations/NNNN_name.sql`, applied in order inside ONE transaction that
 * first takes a transaction-scoped advisory lock, so replicas starting together queue up
 * and the second finds everything applied. Migrations must therefore be transactional
 * (no CREATE INDEX CONCURRENTLY). Versions are unique (migrate.int.test.ts checks) and
 * may leave gaps: only their order matters.
 */
export const MIGRATION_LOCK_KEY = 7_042_017_001n;
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
const MIGRATIONS_DIR = fileURLToPath(new URL("./migrations/", import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
  /** Applied migrations whose file changed since (a warning, not a failure). */
  changed: string[];
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const seen = new Map<number, string>();
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => {
      const match = FILE_PATTERN.exec(file);
      if (!match) throw new Error(`migration file ${file} must be named NNNN_lower_snake.sql`);
      const version = Number(match[1]);
      const other = seen.get(version);
      if (other) throw new Error(`migrations ${other} and ${file} share number ${match[1]}`);
      seen.set(version, file);
      const text = readFileSync(`${dir}/${file}`, "utf8");
      return { version, name: match[2]!, sql: text, checksum: createHash("sha256").update(text).digest("hex") };
    });
}

export async function migrate(sql: Sql, migrations: Migration[] = loadMigrations()): Promise<MigrationResult> {
  return sql.begin(async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    await tx`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version     integer PRIMARY KEY,
        name        text NOT NULL,
        checksum    text NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      )`;
    const rows = await tx<{ version: number; checksum: string }[]>`SELECT version, checksum FROM schema_migrations`;
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    const result: MigrationResult = { applied: [], alreadyApplied: 0, changed: [] };
    for (const m of migrations) {
      const checksum = done.get(m.version);
      if (checksum !== undefined) {
        result.alreadyApplied++;
        if (checksum !== m.checksum) result.changed.push(`${m.version}_${m.name}`);
        continue;
      }
      await tx.unsafe(m.sql);
      await tx`INSERT INTO schema_migrations (version, name, checksum) VALUES (${m.version}, ${m.name}, ${m.checksum})`;
      result.applied.push(`${String(m.version).padStart(4, "0")}_${m.name}`);
    }
    return result;
  });
}

/** True when every migration this build knows is recorded (readiness). */
export async function migrationsApplied(sql: Sql, migrations: Migration[] = loadMigrations()): Promise<boolean> {
  const rows = await sql<{ version: number }[]>`SELECT version FROM schema_migrations`;
  const have = new Set(rows.map((r) => r.version));
  return migrations.every((m) => have.has(m.version));
}
