/**
 * Child process: the Tasker sandbox on a random loopback port with its rate limit lifted.
 * Prints one JSON line `{ready, url, workspaceSlug, keys, fixture}`. IPC:
 *   {cmd:"mark"}        → {seq}: the request log's last sequence number
 *   {cmd:"log", since}  → {log:[{method, path, status}]} recorded after `since`
 *   {cmd:"clear"}       → {ok}: empties the request log (kept bounded between legs)
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PKG } from "../lib/paths.ts";

interface LogEntry {
  seq: number;
  method: string;
  path: string;
  status: number;
}
interface SandboxHandle {
  url: string;
  workspaceSlug: string;
  keys: Record<string, string>;
  requestLog: { since(seq: number): LogEntry[]; entries(): LogEntry[]; clear(): void };
  close(): Promise<void>;
}
interface SandboxModule {
  startTaskerSandbox(opts: { port: number; rateLimitPerMin?: number; serviceApiKey?: string }): Promise<SandboxHandle>;
  FIXTURE: unknown;
}

try {
  const mod = (await import(pathToFileURL(join(PKG.sandbox, "src/index.ts")).href)) as SandboxModule;
  const sandbox = await mod.startTaskerSandbox({
    port: 0,
    rateLimitPerMin: Number(process.env.TASKER_SANDBOX_RATE_LIMIT_PER_MIN ?? 1_000_000),
    ...(process.env.TASKER_API_KEY ? { serviceApiKey: process.env.TASKER_API_KEY } : {}),
  });
  process.on("message", (m: { cmd?: string; since?: number }) => {
    const log = sandbox.requestLog;
    if (m?.cmd === "mark") {
      const all = log.entries();
      process.send?.({ seq: all[all.length - 1]?.seq ?? 0 });
    } else if (m?.cmd === "log") {
      process.send?.({ log: log.since(m.since ?? 0).map((e) => ({ method: e.method, path: e.path, status: e.status })) });
    } else if (m?.cmd === "clear") {
      log.clear();
      process.send?.({ ok: true });
    }
  });
  const stop = () => void sandbox.close().finally(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  console.log(JSON.stringify({ ready: true, url: sandbox.url, workspaceSlug: sandbox.workspaceSlug, keys: sandbox.keys, fixture: mod.FIXTURE }));
} catch (error) {
  console.log(JSON.stringify({ error: `sandbox did not start: ${error instanceof Error ? error.message : String(error)}` }));
  process.exit(1);
}
