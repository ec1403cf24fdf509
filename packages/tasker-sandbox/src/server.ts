import { createAdaptorServer } from "@hono/node-server";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSandbox, type InProcessSandbox, type SandboxOptions } from "./sandbox";

export const DEFAULT_SANDBOX_PORT = 4110;
export const DEFAULT_SANDBOX_HOST = "127.0.0.1";

export interface SandboxHandle extends Omit<InProcessSandbox, "app"> {
  /** e.g. http://127.0.0.1:43121 — no trailing slash, no /api/v1. */
  url: string;
  port: number;
  app: InProcessSandbox["app"];
  close(): Promise<void>;
}

/** Starts the sandbox on a real socket (port 0 = random). Keep-alive stays on. */
export async function startTaskerSandbox(opts: SandboxOptions = {}): Promise<SandboxHandle> {
  const sandbox = createSandbox(opts);
  const host = opts.host ?? DEFAULT_SANDBOX_HOST;
  const server = createAdaptorServer({ fetch: sandbox.app.fetch, hostname: host }) as Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? DEFAULT_SANDBOX_PORT, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(":") ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    ...sandbox,
    url: `http://${hostForUrl}:${port}`,
    port,
    close() {
      closed ??= new Promise<void>((resolve, reject) => {
        sandbox.faults.releaseHangs();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
