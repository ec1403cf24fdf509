import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";

/** A gateway listening on a real socket; `fetch` may be swapped once (see test-stack). */
export interface ListeningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export type FetchHandler = (request: Request) => Response | Promise<Response>;

export async function listen(fetchHandler: FetchHandler, host: string, port: number): Promise<ListeningServer> {
  const server = createAdaptorServer({ fetch: fetchHandler, hostname: host }) as Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const hostForUrl = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${hostForUrl}:${actual}`,
    port: actual,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      return closing;
    },
  };
}
