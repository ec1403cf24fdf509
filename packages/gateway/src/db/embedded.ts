import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { makeQueueProtocolSafe } from "./pglite-queue";

/**
 * Embedded Postgres for development and tests: PGlite served over the Postgres wire
 * protocol on a random loopback port, so the gateway runs the very same postgres.js code
 * as against a real server. All socket connections share PGlite's single session (the
 * server queues protocol messages; see pglite-queue.ts for how batches and transactions
 * stay on one connection), so role switching
 * is not used here; the append-only trigger still protects audit_events.
 */
export interface EmbeddedPostgres {
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string, maxConnections = 20): Promise<EmbeddedPostgres> {
  const inMemory = dataDir.startsWith("memory://");
  const location = inMemory ? dataDir : resolve(dataDir);
  if (!inMemory) mkdirSync(location, { recursive: true });
  const db = await PGlite.create(location);
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections });
  makeQueueProtocolSafe(server);
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres`;
  let closed = false;
  return {
    url,
    dataDir: location,
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      await db.close();
    },
  };
}
