import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import type { PGlite } from "@electric-sql/pglite";
import { initdbInChild, needsInitdb } from "./pglite-initdb";
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

// Loaded only when used: a gateway on a real Postgres never pays PGlite's ~12 MB of heap.
const loadPglite = async () => (await import("@electric-sql/pglite")).PGlite;

/**
 * PGlite's postgresql.conf asks for shared_buffers = 128MB, and its WASM heap grows past its
 * 128 MB initial size to hold them (~190 MB, all resident). One developer's gateway on a
 * few MB of data needs a fraction: at 16 MB the heap stays at the initial 128 MB, which is
 * PGlite's floor (a smaller initialMemory does not start). Given on the command line, so
 * the cluster's own postgresql.conf (timezone, datestyle, locale) is left as initdb wrote it.
 */
export const PGLITE_SETTINGS = ["-c", "shared_buffers=16MB"];

async function openPglite(location: string, options: { loadDataDir?: Blob } = {}): Promise<PGlite> {
  const PGlite = await loadPglite();
  return PGlite.create(location, { ...options, startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] });
}

export async function startEmbeddedPostgres(dataDir: string, maxConnections = 20): Promise<EmbeddedPostgres> {
  const inMemory = dataDir.startsWith("memory://");
  const location = inMemory ? dataDir : resolve(dataDir);
  if (!inMemory) mkdirSync(location, { recursive: true });
  if (!inMemory && needsInitdb(location)) await initdbInChild(location);
  const db = inMemory ? await createInMemory(location) : await openPglite(location);
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
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

/**
 * initdb inside WASM takes seconds (tens under load); a fresh cluster is always the same,
 * so in-memory databases (tests) start from a template tarball cached in the OS temp dir,
 * keyed by the PGlite version. Written atomically, so parallel test workers can race.
 */
const pgliteVersion: string = (() => {
  try {
    const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
    const pkg = JSON.parse(readFileSync(join(dirname(entry), "..", "package.json"), "utf8")) as { version: string };
    return pkg.version;
  } catch {
    return "unknown";
  }
})();
const TEMPLATE = join(tmpdir(), `nodedc-pglite-${pgliteVersion}-template.tar`);

async function createInMemory(location: string): Promise<PGlite> {
  if (existsSync(TEMPLATE)) {
    try {
      return await openPglite(location, { loadDataDir: new Blob([readFileSync(TEMPLATE)]) });
    } catch {
      // a damaged template: fall through to a fresh initdb and rewrite it
    }
  }
  const db = await openPglite(location);
  try {
    const dump = await db.dumpDataDir("none");
    const partial = `${TEMPLATE}.${process.pid}.${Date.now()}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, TEMPLATE);
  } catch {
    // caching is an optimisation only
  }
  return db;
}
