/**
 * `pnpm start`. With no configuration: sandbox mode (DESIGN §11) — the Plane-compatible
 * sandbox on 127.0.0.1:4110, embedded PGlite under .data/, the gateway on 127.0.0.1:4100,
 * a demo owner and agent, and a printed pair command. With TASKER_API_URL set: the
 * gateway alone. JSON logs go to stdout; the human banner goes to stderr.
 */
import { ConfigError, loadConfig, type Config } from "./config/config";
import { createAccessLogger, createLogger } from "./observability/logger";
import { startGateway } from "./start-gateway";
import { seedDemo } from "./sandbox/demo-seed";

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`nodedc-tasker gateway refuses to start:\n  - ${error.problems.join("\n  - ")}\n`);
    process.exit(78); // EX_CONFIG
  }
  throw error;
}
const logger = createLogger({ level: config.logLevel });
const closers: (() => Promise<void>)[] = [];

async function main(): Promise<void> {
  if (config.mode === "sandbox") {
    const { startTaskerSandbox } = await import("@nodedc/tasker-sandbox");
    const sandbox = await startTaskerSandbox({
      port: config.tasker.sandboxPort,
      host: "127.0.0.1",
      rateLimitPerMin: config.tasker.sandboxRateLimitPerMin,
      serviceApiKey: config.tasker.apiKey,
    });
    closers.push(() => sandbox.close());
    config = { ...config, tasker: { ...config.tasker, apiUrl: sandbox.url } };
    logger.info({ url: sandbox.url }, "tasker sandbox listening");
  }
  const gateway = await startGateway(config, logger, createAccessLogger({ level: config.logLevel }));
  closers.unshift(() => gateway.close());

  const lines = [
    `nodedc-tasker gateway ${gateway.url}`,
    `  console: ${config.publicUrl}/console${config.mode === "sandbox" ? '  (press "Sign in as the demo owner")' : ""}`,
    `  health:  ${gateway.url}/healthz`,
    `  docs:    ${gateway.url}/api/v1/docs`,
  ];
  if (config.mode === "sandbox") {
    const demo = await seedDemo(gateway.db.sql, gateway.deps.adapter, config.tokenPepper, config.publicUrl);
    lines.unshift("", "=".repeat(72), " SANDBOX MODE — demo data, a fake Tasker and DEV secrets. Not for production.", "=".repeat(72));
    lines.push(
      `  tasker sandbox: ${config.tasker.apiUrl} (workspace nodedc, projects DEMO and OPS)`,
      `  database: ${config.database.url ? "DATABASE_URL" : `embedded PGlite in ${config.database.pgliteDataDir}`}`,
      config.devDefaults.length ? `  DEV defaults in use: ${config.devDefaults.join(", ")}` : "",
      "",
      `  Pair the demo agent (code valid until ${demo.expiresAt.toISOString()}):`,
      `    from this checkout:  ${demo.command.replace(/^npx /, "pnpm exec ")}`,
      `    with npx:            ${demo.command}`,
      `  A new code any time: pnpm pairing-code`,
      "",
    );
  }
  process.stderr.write(`${lines.filter((l) => l !== undefined).join("\n")}\n`);
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  for (const close of closers) await close().catch((error) => logger.error({ err: error }, "close failed"));
  logger.flush();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

main().catch(async (error) => {
  logger.fatal({ err: error }, "gateway failed to start");
  process.stderr.write(`gateway failed to start: ${(error as Error).message}\n`);
  for (const close of closers) await close().catch(() => {});
  logger.flush();
  process.exit(1);
});
