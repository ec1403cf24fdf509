import postgres, { type Sql } from "postgres";
import type { Config } from "../config/config";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "./embedded";
import { loadMigrations, migrate, type MigrationResult } from "./migrate";

/** The role runtime connections switch to where it exists (see 0001_core.sql). */
export const APP_ROLE = "nodedc_gateway_app";

export interface Database {
  /** The runtime pool (as APP_ROLE where the server has it). */
  sql: Sql;
  /**
   * A small pool with `synchronous_commit = off`: commits return before the WAL flush, so a
   * database crash may lose the last few hundred milliseconds of them. Only for writes that
   * may be lost that way (audit events of reads and denials, last-seen times, rate-limit
   * counters), never for tokens, grants or the audit event of a Tasker write.
   */
  relaxedSql: Sql;
  /** The role runtime connections use, or null when they run as the login user. */
  role: string | null;
  /** True when this process started an embedded PGlite. */
  embedded: boolean;
  /** The URL actually connected to (the embedded server's when embedded). */
  url: string;
  migrations: MigrationResult | null;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** Apply migrations before opening the pool (default true). */
  migrate?: boolean;
  /**
   * The server gives every connection its own session (default true): runtime connections
   * then switch to APP_ROLE when it exists, and a relaxed pool is opened. False for a
   * PGlite reached by URL, whose socket connections share one session.
   */
  useAppRole?: boolean;
  /** Extra postgres.js options (tests). */
  postgresOptions?: postgres.Options<Record<string, never>>;
}

const quiet = { onnotice: () => {} };

/** Options shared by every gateway connection. */
export function connect(url: string, options: postgres.Options<Record<string, never>> = {}): Sql {
  return postgres(url, {
    ...quiet,
    max: 10,
    idle_timeout: 60,
    connect_timeout: 10,
    ...options,
  });
}

export async function openDatabase(config: Config, options: OpenDatabaseOptions = {}): Promise<Database> {
  let embedded: EmbeddedPostgres | null = null;
  let url = config.database.url;
  if (url === null) {
    embedded = await startEmbeddedPostgres(config.database.pgliteDataDir, config.database.poolMax + 4);
    url = embedded.url;
  }
  let migrations: MigrationResult | null = null;
  try {
    if (options.migrate !== false) {
      const admin = connect(url, { max: 1 });
      try {
        migrations = await migrate(admin, loadMigrations());
      } finally {
        await admin.end({ timeout: 5 });
      }
    }
    // PGlite has one session shared by every socket connection: never switch roles there.
    const sessionPerConnection = !embedded && options.useAppRole !== false;
    const role = sessionPerConnection ? await usableRole(url) : null;
    const sql = connect(url, {
      max: config.database.poolMax,
      ...(role ? { connection: { role } as Record<string, string> } : {}),
      ...options.postgresOptions,
    });
    // PGlite's socket connections share one session: a startup setting there would apply to
    // every connection, so the embedded database gets no relaxed pool (it is one process anyway).
    const relaxedSql = sessionPerConnection
      ? connect(url, {
          max: Math.max(1, Math.min(4, config.database.poolMax)),
          ...options.postgresOptions,
          connection: { ...(role ? { role } : {}), synchronous_commit: "off" } as Record<string, string>,
        })
      : sql;
    return {
      sql,
      relaxedSql,
      role,
      embedded: embedded !== null,
      url,
      migrations,
      async close() {
        await Promise.all([sql.end({ timeout: 5 }), relaxedSql === sql ? null : relaxedSql.end({ timeout: 5 })]);
        await embedded?.close();
      },
    };
  } catch (error) {
    await embedded?.close();
    throw error;
  }
}

/** APP_ROLE when it exists and the login user may switch to it. */
async function usableRole(url: string): Promise<string | null> {
  const probe = connect(url, { max: 1 });
  try {
    const [row] = await probe<{ ok: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${APP_ROLE})
             AND pg_has_role(current_user, ${APP_ROLE}, 'MEMBER') AS ok`;
    return row?.ok ? APP_ROLE : null;
  } catch {
    return null;
  } finally {
    await probe.end({ timeout: 5 });
  }
}
