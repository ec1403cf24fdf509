import { randomBytes } from "node:crypto";
import { connect } from "../db/database";
import { startEmbeddedPostgres } from "../db/embedded";

/**
 * A database nobody else uses, for one test file or one test stack:
 * - with `DATABASE_URL` set: a fresh database `nodedc_t_<random>` on that server, dropped
 *   (WITH FORCE) by close();
 * - without it: an in-memory PGlite served over the wire protocol.
 * The URL it returns is an admin (login-user) URL; migrations are not applied.
 */
export interface IsolatedDatabase {
  url: string;
  /** "postgres" (a real server) or "pglite" (embedded). */
  kind: "postgres" | "pglite";
  close(): Promise<void>;
}

export async function createIsolatedDatabase(serverUrl: string | undefined = process.env.DATABASE_URL): Promise<IsolatedDatabase> {
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres("memory://", 40);
    return { url: embedded.url, kind: "pglite", close: () => embedded.close() };
  }
  const name = `nodedc_t_${randomBytes(6).toString("hex")}`;
  const admin = connect(serverUrl, { max: 1 });
  try {
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let closed = false;
  return {
    url: url.toString(),
    kind: "postgres",
    async close() {
      if (closed) return;
      closed = true;
      const dropper = connect(serverUrl, { max: 1 });
      try {
        await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end({ timeout: 5 });
      }
    },
  };
}
