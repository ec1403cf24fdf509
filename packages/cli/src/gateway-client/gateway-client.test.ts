import { spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IDEMPOTENCY_HEADER, IDEMPOTENT_REPLAYED_HEADER, ROUTES, routePath } from "@nodedc/shared";
import { afterEach, describe, expect, it } from "vitest";
import { createGatewayClient, GatewayError, GatewayUnreachableError } from "./gateway-client";

const TOKEN = "ndca_0123456789abcdefWXYZ";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

interface TestServer {
  url: string;
  seen: Seen[];
  /** TCP connections accepted so far. */
  connections: () => number;
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A real gateway stand-in on 127.0.0.1:0; `handle` answers each request. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<TestServer> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handle(req, res, body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on("connection", (socket) => {
    connections++;
    socket.unref();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const closeAll = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    server.closeAllConnections();
    return closeAll(cb);
  }) as Server["close"];
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, connections: () => connections };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

const client = (baseUrl: string, timeoutMs?: number) =>
  createGatewayClient({ baseUrl, userAgent: "nodedc-tasker/test", token: async () => TOKEN, ...(timeoutMs === undefined ? {} : { timeoutMs }) });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describe("gateway client over node:http", () => {
  it("sends the JSON request with its headers and reuses one keep-alive connection", async () => {
    const gw = await serve((req, res) => json(res, 200, { ok: true, path: req.url }, req.headers[IDEMPOTENCY_HEADER.toLowerCase()] ? { [IDEMPOTENT_REPLAYED_HEADER]: "true" } : {}));
    const gateway = client(`${gw.url}/`);
    const first = await gateway.callTool("create_card", { title: "Ünïcode ✓" }, "key-12345678");
    const second = await gateway.agentSession();
    const third = await gateway.healthz();

    expect(gw.connections()).toBe(1);
    expect(first).toMatchObject({ status: 200, body: { ok: true, path: routePath(ROUTES.tool, { name: "create_card" }) }, replayed: true });
    expect(second.body).toEqual({ ok: true, path: ROUTES.agentSession });
    expect(third.headers.get("Content-Type")).toBe("application/json");
    expect(third.headers.get("x-missing")).toBeNull();

    const [call, session, health] = gw.seen;
    expect(call).toMatchObject({ method: "POST", body: JSON.stringify({ arguments: { title: "Ünïcode ✓" } }) });
    expect(call!.headers).toMatchObject({
      accept: "application/json",
      "user-agent": "nodedc-tasker/test",
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(call!.body)),
      authorization: `Bearer ${TOKEN}`,
      "idempotency-key": "key-12345678",
    });
    expect(session).toMatchObject({ method: "GET", body: "" });
    expect(session!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(session!.headers["content-type"]).toBeUndefined();
    expect(health!.headers.authorization).toBeUndefined();
  });

  it("keeps a base path and reports replayed: false without the header", async () => {
    const gw = await serve((req, res) => json(res, 200, { path: req.url }));
    const result = await client(`${gw.url}/prefix//`).callTool("whoami", {});
    expect(result).toMatchObject({ body: { path: `/prefix${routePath(ROUTES.tool, { name: "whoami" })}` }, replayed: false });
  });

  it("an empty 2xx body is null; a BOM before the JSON is ignored", async () => {
    const gw = await serve((req, res) => {
      if (req.url!.endsWith("revoke")) {
        res.writeHead(204).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end('\uFEFF{"a":1}');
    });
    expect((await client(gw.url).revokeSession()).body).toBeNull();
    expect((await client(gw.url).healthz()).body).toEqual({ a: 1 });
  });

  it("a non-JSON 200 → unexpected_response", async () => {
    const gw = await serve((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<html>captive portal</html>"));
    const error = await rejection(client(gw.url).healthz());
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "unexpected_response", status: 200, retryable: false, message: "The gateway answered 200 with a non-JSON body." });
  });

  it("a gateway error body → GatewayError with its code, request id, details and Retry-After", async () => {
    const gw = await serve((_req, res) =>
      json(res, 429, { error: { code: "rate_limited", message: "slow down", request_id: "req_1", retryable: true, details: { limit: 60 } } }, { "retry-after": "7" }),
    );
    const error = await rejection(client(gw.url).agentSession());
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ code: "rate_limited", message: "slow down", status: 429, requestId: "req_1", retryable: true, details: { limit: 60 }, retryAfterS: 7 });
  });

  it("a non-JSON 5xx → retryable unexpected_response with x-request-id, and never the token", async () => {
    const gw = await serve((req, res) => res.writeHead(502, { "x-request-id": "req_2" }).end(`bad gateway for ${req.headers.authorization}`));
    const error = (await rejection(client(gw.url).agentSession())) as GatewayError;
    expect(error).toMatchObject({ code: "unexpected_response", status: 502, requestId: "req_2", retryable: true, retryAfterS: null });
    expect(error.message).toBe("The gateway answered HTTP 502: bad gateway for Bearer ndca_…WXYZ.");
    expect(error.message).not.toContain(TOKEN);
  });

  it("does not follow a redirect", async () => {
    const gw = await serve((req, res) => {
      if (req.url === "/elsewhere") json(res, 200, { followed: true });
      else res.writeHead(307, { location: "/elsewhere?secret=1" }).end();
    });
    const error = await rejection(client(gw.url).agentSession());
    expect(error).toBeInstanceOf(GatewayUnreachableError);
    expect((error as GatewayUnreachableError).reason).toBe(`unexpected redirect: HTTP 307 to ${gw.url}/elsewhere`);
    expect(gw.seen.map((s) => s.url)).toEqual([ROUTES.agentSession]);
  });

  it("a 3xx without a Location is an HTTP error, as with fetch", async () => {
    const gw = await serve((_req, res) => res.writeHead(304).end());
    expect(await rejection(client(gw.url).healthz())).toMatchObject({ code: "unexpected_response", status: 304 });
  });

  it("times out → GatewayUnreachableError 'timed out', per request and by default", async () => {
    const gw = await serve(() => undefined); // never answers
    // The client's own default (60 s) is beyond the test's timeout: only the per-request 150 ms can end this.
    const error = await rejection(client(gw.url, 60_000).request("GET", "/slow", { timeoutMs: 150 }));
    expect(error).toBeInstanceOf(GatewayUnreachableError);
    expect(error).toMatchObject({ reason: "timed out", message: `The gateway at ${gw.url} is unreachable (timed out).` });
    expect(await rejection(client(gw.url, 150).agentSession())).toMatchObject({ reason: "timed out" });
  });

  it("a body that stops arriving times out too", async () => {
    const gw = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"partial":');
    });
    expect(await rejection(client(gw.url).request("GET", "/stall", { timeoutMs: 150 }))).toMatchObject({ reason: "timed out" });
  });

  it("connection refused → GatewayUnreachableError ECONNREFUSED", async () => {
    const gw = await serve(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const error = await rejection(client(gw.url).healthz());
    expect(error).toBeInstanceOf(GatewayUnreachableError);
    expect(error).toMatchObject({ gatewayUrl: gw.url, reason: "ECONNREFUSED" });
  });

  it("a URL it cannot use → GatewayUnreachableError without a request", async () => {
    expect(await rejection(client("ftp://gw.example.com").healthz())).toMatchObject({ reason: "unsupported protocol ftp:" });
    expect(await rejection(client("not a url").healthz())).toMatchObject({ reason: "invalid URL" });
  });

  /** A server that drops the second request (it arrives on the kept-alive socket) without an answer. */
  async function serveDroppingTheSecond() {
    let calls = 0;
    const gw = await serve((req, res) => {
      calls++;
      if (calls === 2) req.socket.destroy();
      else json(res, 200, { calls });
    });
    return { gw, calls: () => calls };
  }

  it("retries a GET once when the server dropped the pooled socket", async () => {
    const { gw } = await serveDroppingTheSecond();
    const gateway = client(gw.url);
    await gateway.healthz();
    expect((await gateway.healthz()).body).toEqual({ calls: 3 });
    expect(gw.connections()).toBe(2);
  });

  it("does not repeat a POST without an idempotency key", async () => {
    const { gw, calls } = await serveDroppingTheSecond();
    const gateway = client(gw.url);
    await gateway.healthz();
    expect(await rejection(gateway.callTool("list_projects", {}))).toMatchObject({ reason: "ECONNRESET" });
    expect(calls()).toBe(2);
  });

  it("an idle keep-alive socket does not keep a finished process alive", async () => {
    const gw = await serve((_req, res) => json(res, 200, { status: "ok" }));
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = `
      import { createGatewayClient } from ${JSON.stringify(path.join(here, "gateway-client.ts"))};
      const gateway = createGatewayClient({ baseUrl: process.argv[1], userAgent: "t" });
      const a = await gateway.healthz();
      const b = await gateway.healthz();
      // What keeps the event loop alive now that both calls are done (unref'd handles are not listed).
      const alive = process.getActiveResourcesInfo();
      process.stdout.write(JSON.stringify({ bodies: [a.body, b.body], alive }));
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, gw.url], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(err).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(out) as { bodies: unknown[]; alive: string[] };
    expect(result.bodies).toEqual([{ status: "ok" }, { status: "ok" }]);
    expect(gw.connections()).toBe(1);
    // The pooled socket is still open (it closes itself after 4 s) but holds nothing: no socket, no timer.
    expect(result.alive.filter((r) => /TCP|Timeout|Timer/.test(r))).toEqual([]);
  });
});
