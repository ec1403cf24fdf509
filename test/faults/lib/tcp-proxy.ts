/**
 * A loopback TCP proxy in front of the Tasker sandbox that can "kill" it: every open
 * connection is destroyed mid-call and new ones are refused until `revive()`, as when the
 * Tasker process dies and restarts (its data kept).
 */
import net from "node:net";

export interface TcpProxy {
  url: string;
  kill(): Promise<void>;
  revive(): Promise<void>;
  close(): Promise<void>;
}

/** `targetPort` is read per connection, so the proxy can exist before its target. */
export async function startTcpProxy(targetPort: () => number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort(), "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  const port = await listen(0);
  const stop = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.resetAndDestroy();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    kill: stop,
    revive: async () => {
      await listen(port);
    },
    close: async () => {
      if (server.listening) await stop();
    },
  };
}
