import { DEFAULT_SANDBOX_HOST, DEFAULT_SANDBOX_PORT, startTaskerSandbox } from "./server";
import { DEFAULT_RATE_LIMIT_PER_MIN } from "./sandbox";

/** `pnpm --filter @nodedc/tasker-sandbox start`: the sandbox on 127.0.0.1:4110 (DESIGN §11). */
function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isInteger(n) || n < 0 || String(n) !== raw.trim()) {
    process.stderr.write(`[tasker-sandbox] ${name} must be a non-negative integer, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const port = intFromEnv("TASKER_SANDBOX_PORT", DEFAULT_SANDBOX_PORT);
const host = process.env.TASKER_SANDBOX_HOST || DEFAULT_SANDBOX_HOST;
const rateLimitPerMin = intFromEnv("TASKER_SANDBOX_RATE_LIMIT_PER_MIN", DEFAULT_RATE_LIMIT_PER_MIN);
const serviceApiKey = process.env.TASKER_API_KEY || undefined;

const sandbox = await startTaskerSandbox({
  port,
  host,
  rateLimitPerMin,
  ...(serviceApiKey ? { serviceApiKey } : {}),
});

process.stderr.write(
  [
    "",
    "  Tasker SANDBOX — a Plane-compatible emulator with fixture data, not a real Tasker.",
    `  API:        ${sandbox.url}/api/v1/workspaces/${sandbox.workspaceSlug}/`,
    `  Rate limit: ${rateLimitPerMin}/min per key`,
    `  Service key: ${serviceApiKey ? "from TASKER_API_KEY" : `fixture key ${sandbox.keys.service.slice(0, 14)}… (see FIXTURE.keys.service)`}`,
    `  Control:    ${sandbox.url}/_sandbox/ (requests, faults, reset)`,
    "",
  ].join("\n") + "\n",
);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`[tasker-sandbox] ${signal}: shutting down\n`);
  await sandbox.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
