/**
 * Child process: the Tasker sandbox (createSandbox from packages/tasker-sandbox, served with
 * the same @hono/node-server adaptor and keep-alive settings as its startTaskerSandbox) on a
 * random loopback port with its rate limit lifted. The one addition is a recorder around
 * `fetch`, on only while the bench probes which upstream requests one gateway tool call
 * makes (method, path, body, start/end with sub-ms precision).
 * Prints one JSON line `{ready, url, workspaceSlug, keys, fixture}`. IPC:
 *   {cmd:"record", on}  → {ok, now} start (clearing) or stop recording; now = the recorder's clock
 *   {cmd:"recorded"}    → {calls} what was recorded
 *   {cmd:"clear-log"}   → {ok}    empties the sandbox's own request log between legs
 *   {cmd:"reset"}       → {ok}    back to the seeded fixture (same ids): every way starts from the same data
 *   {cmd:"latency", ms} → {ok}    holds every Tasker request ms before its handler (the sandbox's
 *                                 own latency fault); ms 0 removes it. How rounds are detected: lib/rounds.ts
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { importFrom, PKG } from "../lib/paths.ts";

export interface RecordedCall {
  method: string;
  path: string;
  body: string | null;
  t0: number;
  t1: number;
}
interface InProcessSandbox {
  app: { fetch: (req: Request) => Response | Promise<Response> };
  workspaceSlug: string;
  keys: Record<string, string>;
  requestLog: { clear(): void };
  faults: { add(rule: { mode: "latency"; latencyMs: number; path?: RegExp }): { id: number }; remove(id: number): boolean };
  reset(): void;
}
interface SandboxModule {
  createSandbox(opts: { rateLimitPerMin?: number; serviceApiKey?: string }): InProcessSandbox;
  FIXTURE: unknown;
}
interface NodeServerModule {
  createAdaptorServer(opts: { fetch: (req: Request) => Promise<Response>; hostname: string }): Server;
}

try {
  const mod = (await import(pathToFileURL(join(PKG.sandbox, "src/index.ts")).href)) as SandboxModule;
  const { createAdaptorServer } = await importFrom<NodeServerModule>(PKG.sandbox, "@hono/node-server");
  const sandbox = mod.createSandbox({
    rateLimitPerMin: Number(process.env.TASKER_SANDBOX_RATE_LIMIT_PER_MIN ?? 1_000_000),
    ...(process.env.TASKER_API_KEY ? { serviceApiKey: process.env.TASKER_API_KEY } : {}),
  });
  let recording: RecordedCall[] | null = null;
  const fetch = async (req: Request): Promise<Response> => {
    if (!recording) return sandbox.app.fetch(req);
    const t0 = performance.timeOrigin + performance.now();
    const url = new URL(req.url);
    const body = req.method === "GET" ? null : await req.clone().text();
    const res = await sandbox.app.fetch(req);
    recording?.push({ method: req.method, path: url.pathname + url.search, body, t0, t1: performance.timeOrigin + performance.now() });
    return res;
  };
  const server = createAdaptorServer({ fetch, hostname: "127.0.0.1" });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let latencyFault: number | null = null;
  process.on("message", (m: { cmd?: string; on?: boolean; ms?: number }) => {
    if (m?.cmd === "record") {
      recording = m.on ? [] : null;
      // the sandbox's clock now, so a caller can drop requests that arrived before it asked
      process.send?.({ ok: true, now: performance.timeOrigin + performance.now() });
    } else if (m?.cmd === "recorded") {
      process.send?.({ calls: recording ?? [] });
    } else if (m?.cmd === "reset") {
      sandbox.reset();
      latencyFault = null; // reset() clears the faults too
      process.send?.({ ok: true });
    } else if (m?.cmd === "latency") {
      if (latencyFault !== null) sandbox.faults.remove(latencyFault);
      latencyFault = m.ms ? sandbox.faults.add({ mode: "latency", latencyMs: m.ms, path: /^\/api\// }).id : null;
      process.send?.({ ok: true });
    } else if (m?.cmd === "clear-log") {
      sandbox.requestLog.clear();
      process.send?.({ ok: true });
    }
  });
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  console.log(JSON.stringify({ ready: true, url, workspaceSlug: sandbox.workspaceSlug, keys: sandbox.keys, fixture: mod.FIXTURE }));
} catch (error) {
  console.log(JSON.stringify({ error: `sandbox did not start: ${error instanceof Error ? error.message : String(error)}` }));
  process.exit(1);
}
