/**
 * Fresh databases on the real Postgres for the gateway, micro and scale legs, created and
 * dropped through the gateway's own test helper (createIsolatedDatabase) and migrated with
 * its own migrations.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Sql } from "postgres";
import { PKG } from "./paths.ts";

export interface FreshDb {
  url: string;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

interface IsolatedModule {
  createIsolatedDatabase(serverUrl?: string): Promise<FreshDb>;
}
interface DatabaseModule {
  connect(url: string, options?: Record<string, unknown>): Sql;
}
interface MigrateModule {
  migrate(sql: Sql, migrations?: unknown): Promise<unknown>;
  loadMigrations(): unknown;
}

export const gatewayModule = <T>(rel: string): Promise<T> => import(pathToFileURL(join(PKG.gateway, "src", rel)).href) as Promise<T>;

const CANDIDATES = [process.env.DATABASE_URL, process.env.DATABASE_URL_REAL, "postgres://postgres@127.0.0.1:5432/test", "postgres://postgres@127.0.0.1:5432/postgres"].filter(
  (u): u is string => !!u,
);

let serverUrl: Promise<string | null> | undefined;

/** The first Postgres server URL that answers (DATABASE_URL first), or null. */
export function realPostgresUrl(): Promise<string | null> {
  serverUrl ??= (async () => {
    const { connect } = await gatewayModule<DatabaseModule>("db/database.ts");
    for (const url of CANDIDATES) {
      const sql = connect(url, { max: 1, connect_timeout: 3 });
      try {
        await sql`SELECT 1`;
        return url;
      } catch {
        /* next */
      } finally {
        await sql.end({ timeout: 2 });
      }
    }
    return null;
  })();
  return serverUrl;
}

/** A new empty database on the real server (migrated when asked), dropped by close(). */
export async function freshPostgres(opts: { migrate: boolean }): Promise<FreshDb & { admin: Sql }> {
  const server = await realPostgresUrl();
  if (!server) throw new Error(`no Postgres answers at ${CANDIDATES.join(", ")}`);
  const { createIsolatedDatabase } = await gatewayModule<IsolatedModule>("testing/isolated-database.ts");
  const { connect } = await gatewayModule<DatabaseModule>("db/database.ts");
  const db = await createIsolatedDatabase(server);
  const admin = connect(db.url, { max: 4 });
  if (opts.migrate) {
    const { migrate, loadMigrations } = await gatewayModule<MigrateModule>("db/migrate.ts");
    await migrate(admin, loadMigrations());
  }
  return {
    ...db,
    admin,
    async close() {
      await admin.end({ timeout: 5 });
      await db.close();
    },
  };
}
