import type { Agent, IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { ErrorCode } from "@nodedc/shared";
import { IDEMPOTENCY_HEADER, IDEMPOTENT_REPLAYED_HEADER, ROUTES, routePath } from "../contract-leaves";
import { redactSecrets } from "../errors";

/**
 * The gateway over Node's own `node:http` / `node:https`: no HTTP dependency in the package,
 * which keeps `npx nodedc-tasker` small. Not the global `fetch`: `mcp` is a long-running
 * process that makes one gateway call per tool call, and undici's machinery (an
 * AbortSignal.timeout, Request/Headers objects and web streams per call) cost ~3x the CPU per
 * call and nearly twice the RSS of a plain request over a keep-alive Agent. The Agents' idle
 * sockets are unref'd (Node does that for pooled sockets) and closed after a few seconds, so
 * they never hold a finished `pair`/`status`/`doctor` open. Bodies are parsed as JSON and
 * returned as `unknown`; callers validate what they rely on.
 */
export class GatewayError extends Error {
  constructor(
    readonly code: ErrorCode | "unexpected_response",
    message: string,
    readonly status: number,
    readonly requestId: string | null,
    readonly retryable: boolean,
    readonly details: unknown,
    /** Seconds, from `Retry-After`. */
    readonly retryAfterS: number | null,
  ) {
    super(redactSecrets(message));
    this.name = "GatewayError";
  }
}

/** The gateway could not be reached at all (DNS, refused, TLS, timeout). */
export class GatewayUnreachableError extends Error {
  constructor(
    readonly gatewayUrl: string,
    readonly reason: string,
  ) {
    super(`The gateway at ${gatewayUrl} is unreachable (${reason}).`);
    this.name = "GatewayUnreachableError";
  }
}

/** The response headers; names are case-insensitive, repeated headers are joined with ", ". */
export interface GatewayHeaders {
  get(name: string): string | null;
}

export interface GatewayResponse<T = unknown> {
  status: number;
  body: T;
  headers: GatewayHeaders;
}

export interface GatewayClientOptions {
  baseUrl: string;
  /** Resolved on the first authenticated call only. */
  token?: () => Promise<string>;
  userAgent: string;
  timeoutMs?: number;
}

export interface GatewayClient {
  readonly baseUrl: string;
  request(
    method: "GET" | "POST",
    path: string,
    options?: { body?: unknown; auth?: boolean; headers?: Record<string, string>; timeoutMs?: number },
  ): Promise<GatewayResponse>;
  healthz(): Promise<GatewayResponse>;
  exchangePairingCode(body: unknown): Promise<GatewayResponse>;
  agentSession(): Promise<GatewayResponse>;
  revokeSession(): Promise<GatewayResponse>;
  /** POST /agent-session/rotate; retry a lost answer with the same key to get the same successor. */
  rotateSession(idempotencyKey: string): Promise<GatewayResponse>;
  listTools(timeoutMs?: number): Promise<GatewayResponse>;
  callTool(name: string, args: Record<string, unknown>, idempotencyKey?: string): Promise<GatewayResponse & { replayed: boolean }>;
}

/** Concurrent connections per gateway; `mcp` makes one call at a time per tool call. */
const MAX_SOCKETS = 16;
/** Idle pooled sockets are closed after this (or the server's `Keep-Alive: timeout` hint minus 1 s, if shorter). */
const IDLE_SOCKET_MS = 4_000;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

type HttpModule = typeof import("node:http") | typeof import("node:https");
interface Transport {
  module: HttpModule;
  agent: Agent;
}

// One keep-alive pool per protocol for the whole process (every client built by the factory
// shares it). Loaded on the first request, so commands that never call the gateway don't pay
// for node:http/node:https at start-up.
const transports = new Map<string, Promise<Transport>>();
function transportFor(protocol: "http:" | "https:"): Promise<Transport> {
  let transport = transports.get(protocol);
  if (!transport) {
    transport = (protocol === "https:" ? import("node:https") : import("node:http")).then((module) => ({
      module,
      agent: new module.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, maxFreeSockets: MAX_SOCKETS, timeout: IDLE_SOCKET_MS, scheduling: "lifo" }),
    }));
    transports.set(protocol, transport);
  }
  return transport;
}

interface Target {
  protocol: "http:" | "https:";
  hostname: string;
  port: number | undefined;
  pathPrefix: string;
}

function parseTarget(baseUrl: string): Target | string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return "invalid URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `unsupported protocol ${url.protocol}`;
  if (url.username || url.password) return "the URL must not contain credentials";
  return {
    protocol: url.protocol,
    // node:http wants an IPv6 literal without its brackets.
    hostname: url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname,
    port: url.port ? Number(url.port) : undefined,
    pathPrefix: url.pathname.replace(/\/+$/, ""),
  };
}

function headerView(headers: IncomingHttpHeaders): GatewayHeaders {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

interface RawResponse {
  status: number;
  headers: GatewayHeaders;
  text: string;
}

/** Thrown inside `send` for failures that become a GatewayUnreachableError with this reason. */
class Unreachable extends Error {}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const defaultTimeout = options.timeoutMs ?? 30_000;
  let target: Target | string | undefined;

  /** One HTTP exchange; the deadline covers connect, request, headers and the whole body. */
  const send = (transport: Transport, t: Target, method: string, path: string, headers: Record<string, string>, payload: string | undefined, timeoutMs: number) =>
    new Promise<RawResponse & { reusedSocket: boolean; gotResponse: boolean }>((resolve, reject) => {
      let settled = false;
      let gotResponse = false;
      const req = transport.module.request({ protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.pathPrefix + path, method, headers, agent: transport.agent });
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(Object.assign(error as Error, { reusedSocket: req.reusedSocket, gotResponse }));
      };
      const timer = setTimeout(() => fail(new Unreachable("timed out")), timeoutMs);
      req.on("error", fail);
      req.on("response", (res: IncomingMessage) => {
        gotResponse = true;
        const status = res.statusCode ?? 0;
        if (REDIRECT_STATUSES.has(status) && res.headers.location) {
          // Like fetch's redirect:"error": the token must not follow a redirect anywhere.
          res.resume();
          fail(new Unreachable(`unexpected redirect: HTTP ${status} to ${describeLocation(res.headers.location, t)}`));
          return;
        }
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", fail);
        res.on("aborted", () => fail(new Unreachable("the connection closed mid-response")));
        res.on("end", () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          let text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8");
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // as fetch's text() does
          resolve({ status, headers: headerView(res.headers), text, reusedSocket: req.reusedSocket, gotResponse });
        });
      });
      req.end(payload);
    });

  const request: GatewayClient["request"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": options.userAgent,
      ...opts.headers,
    };
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    if (payload !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    if (opts.auth) {
      if (!options.token) throw new Error("no token source configured");
      headers.authorization = `Bearer ${await options.token()}`;
    }
    target ??= parseTarget(baseUrl);
    if (typeof target === "string") throw new GatewayUnreachableError(baseUrl, target);
    const transport = await transportFor(target.protocol);
    const timeoutMs = opts.timeoutMs ?? defaultTimeout;
    // A pooled socket the server closed just as it was reused fails before any answer; the
    // request never reached the gateway, so one retry is safe when repeating it is (GET, or a
    // write carrying an idempotency key).
    const retryable = method === "GET" || Object.keys(headers).some((name) => name.toLowerCase() === IDEMPOTENCY_HEADER.toLowerCase());
    let response: RawResponse;
    try {
      try {
        response = await send(transport, target, method, path, headers, payload, timeoutMs);
      } catch (error) {
        const e = error as Error & { code?: string; reusedSocket?: boolean; gotResponse?: boolean };
        if (!retryable || !e.reusedSocket || e.gotResponse || (e.code !== "ECONNRESET" && e.code !== "EPIPE")) throw error;
        response = await send(transport, target, method, path, headers, payload, timeoutMs);
      }
    } catch (error) {
      throw new GatewayUnreachableError(baseUrl, describeFailure(error));
    }
    let body: unknown = null;
    if (response.text) {
      try {
        body = JSON.parse(response.text);
      } catch {
        body = null;
      }
    }
    if (response.status < 200 || response.status > 299) throw toGatewayError(response, body);
    if (body === null && response.text) {
      throw new GatewayError("unexpected_response", `The gateway answered ${response.status} with a non-JSON body.`, response.status, null, false, null, null);
    }
    return { status: response.status, body, headers: response.headers };
  };

  return {
    baseUrl,
    request,
    healthz: () => request("GET", ROUTES.healthz, { timeoutMs: 5_000 }),
    exchangePairingCode: (body) => request("POST", ROUTES.pairingExchange, { body }),
    agentSession: () => request("GET", ROUTES.agentSession, { auth: true }),
    revokeSession: () => request("POST", ROUTES.agentSessionRevoke, { auth: true, body: {} }),
    rotateSession: (idempotencyKey) => request("POST", ROUTES.agentSessionRotate, { auth: true, body: {}, headers: { [IDEMPOTENCY_HEADER]: idempotencyKey } }),
    listTools: (timeoutMs) => request("GET", ROUTES.tools, { auth: true, ...(timeoutMs === undefined ? {} : { timeoutMs }) }),
    callTool: async (name, args, idempotencyKey) => {
      const response = await request("POST", routePath(ROUTES.tool, { name }), {
        auth: true,
        body: { arguments: args },
        ...(idempotencyKey === undefined ? {} : { headers: { [IDEMPOTENCY_HEADER]: idempotencyKey } }),
      });
      return { ...response, replayed: response.headers.get(IDEMPOTENT_REPLAYED_HEADER) === "true" };
    },
  };
}

function toGatewayError(response: RawResponse, body: unknown): GatewayError {
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  const error = (body as { error?: Record<string, unknown> } | null)?.error;
  if (error && typeof error.code === "string") {
    return new GatewayError(
      error.code as ErrorCode,
      typeof error.message === "string" ? error.message : error.code,
      response.status,
      typeof error.request_id === "string" ? error.request_id : response.headers.get("x-request-id"),
      error.retryable === true,
      error.details,
      retryAfter,
    );
  }
  const snippet = response.text.replace(/\s+/g, " ").slice(0, 120);
  return new GatewayError(
    "unexpected_response",
    `The gateway answered HTTP ${response.status}${snippet ? `: ${snippet}` : ""}.`,
    response.status,
    response.headers.get("x-request-id"),
    response.status >= 500,
    null,
    retryAfter,
  );
}

export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Where a redirect points, without its query (which may carry anything). */
function describeLocation(location: string, t: Target): string {
  try {
    const url = new URL(location, `${t.protocol}//${t.hostname.includes(":") ? `[${t.hostname}]` : t.hostname}${t.port ? `:${t.port}` : ""}`);
    return redactSecrets(`${url.origin}${url.pathname}`);
  } catch {
    return "an invalid location";
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof Unreachable) return error.message;
  // Socket and TLS errors carry a code (ECONNREFUSED, ENOTFOUND, CERT_HAS_EXPIRED, …); with
  // several addresses tried (autoSelectFamily) it is an AggregateError with the first one's code.
  const err = error as (Error & { code?: string }) | undefined;
  if (err?.code) return err.code;
  return err?.message || String(error);
}
