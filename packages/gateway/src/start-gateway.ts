import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { buildApp } from "./app";
import type { Config } from "./config/config";
import { openDatabase, type Database } from "./db/database";
import { listen, type ListeningServer } from "./server";
import { createTaskerAdapter, type TaskerAdapterWithClose } from "./tasker/index";
import type { GatewayDeps } from "./deps";
import { reportServiceUser } from "./grants/service-user-check";
import { startIdempotencyPurgeJob, type PurgeJob } from "./idempotency/purge-job";
import { startSealJob, type SealJob } from "./audit/sealing/seal-job";
import { registerSigningKey } from "./audit/sealing/seal-store";
import { loadSigningKey } from "./audit/sealing/signing-key";

export interface RunningGateway {
  url: string;
  config: Config;
  db: Database;
  deps: GatewayDeps;
  close(): Promise<void>;
}

/**
 * Boots one gateway replica: database (migrated under the advisory lock), Tasker adapter,
 * app, socket, and the background jobs (the idempotency retention purge, the audit sealer) — the app itself
 * starts nothing, so tests can build many. `config.tasker.apiUrl` must be known (sandbox mode fills it in first).
 */
export async function startGateway(config: Config, logger: Logger, accessLogger: Logger = logger): Promise<RunningGateway> {
  if (!config.tasker.apiUrl) throw new Error("startGateway: config.tasker.apiUrl is not set");
  const db = await openDatabase(config);
  if (db.migrations?.applied.length) logger.info({ applied: db.migrations.applied }, "migrations applied");
  if (db.migrations?.changed.length) logger.warn({ changed: db.migrations.changed }, "applied migrations changed since they ran");
  let adapter: TaskerAdapterWithClose | null = null;
  let server: ListeningServer | null = null;
  let purge: PurgeJob | null = null;
  let sealer: SealJob | null = null;
  try {
    const auditSigningKey = loadSigningKey({ value: config.audit.signingKey, file: config.audit.signingKeyFile });
    await registerSigningKey(db.sql, auditSigningKey);
    adapter = createTaskerAdapter({
      baseUrl: config.tasker.apiUrl,
      apiKey: config.tasker.apiKey,
      workspaceSlug: config.tasker.workspaceSlug,
      rateLimitPerMin: config.tasker.rateLimitPerMin,
      timeoutMs: config.tasker.timeoutMs,
      logger,
    });
    const { app, deps } = buildApp({
      sql: db.sql,
      relaxedSql: db.relaxedSql,
      config,
      logger,
      accessLogger,
      adapter,
      boot: { id: randomUUID(), started_at: new Date().toISOString() },
      auditSigningKey,
    });
    sealer = startSealJob(db.sql, auditSigningKey, {
      intervalMs: config.audit.sealIntervalS * 1000,
      onSealed: (r) => logger.info({ seq: r.checkpoint?.seq, tree_size: r.checkpoint?.treeSize, sealed: r.sealed }, "audit events sealed"),
      onError: (error) => logger.error({ err: error }, "audit seal failed; retrying at the next tick"),
    });
    void reportServiceUser(adapter, logger);
    server = await listen((req) => app.fetch(req), config.host, config.port);
    // Safe on every replica (the DELETE skips rows another replica holds).
    purge = startIdempotencyPurgeJob(db.sql, { onError: (error) => logger.warn({ err: error }, "idempotency purge failed; retrying at the next tick") });
    const openAdapter = adapter;
    const openServer = server;
    const openPurge = purge;
    const openSealer = sealer;
    logger.info({ url: server.url, database: db.embedded ? "embedded-pglite" : "postgres", role: db.role }, "gateway listening");
    return {
      url: server.url,
      config,
      db,
      deps,
      async close() {
        openPurge.stop();
        await openServer.close();
        await openSealer.stop();
        await openAdapter.close();
        await db.close();
      },
    };
  } catch (error) {
    purge?.stop();
    await server?.close();
    await sealer?.stop();
    await adapter?.close();
    await db.close();
    throw error;
  }
}
