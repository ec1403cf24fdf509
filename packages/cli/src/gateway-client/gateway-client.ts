import { IDEMPOTENCY_HEADER, IDEMPOTENT_REPLAYED_HEADER, ROUTES, routePath, type ErrorCode } from "@nodedc/shared";
import { redactSecrets } from "../errors";

/**
 * The gateway over Node's built-in `fetch` (undici inside Node): no HTTP dependency in the
 * package, which keeps `npx nodedc-tasker` small. Bodies are parsed as JSON and returned as
 * `unknown`; callers validate what they rely on.
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

export interface GatewayResponse<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

export interface GatewayClientOptions {
  baseUrl: string;
  /** Resolved on the first authenticated call only. */
  token?: () => Promise<string>;
  userAgent: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
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
  listTools(timeoutMs?: number): Promise<GatewayResponse>;
  callTool(name: string, args: Record<string, unknown>, idempotencyKey?: string): Promise<GatewayResponse & { replayed: boolean }>;
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? globalThis.fetch;
  const defaultTimeout = options.timeoutMs ?? 30_000;

  const request: GatewayClient["request"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {
      accept: "application/json",
      "user-agent": options.userAgent,
      ...opts.headers,
    };
    if (opts.body !== undefined) headers["content-type"] = "application/json";
    if (opts.auth) {
      if (!options.token) throw new Error("no token source configured");
      headers.authorization = `Bearer ${await options.token()}`;
    }
    let response: Response;
    try {
      response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
        signal: AbortSignal.timeout(opts.timeoutMs ?? defaultTimeout),
        redirect: "error",
      });
    } catch (error) {
      throw new GatewayUnreachableError(baseUrl, describeFetchFailure(error));
    }
    const text = await response.text().catch(() => "");
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = null;
      }
    }
    if (!response.ok) throw toGatewayError(response, body, text);
    if (body === null && text) {
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

function toGatewayError(response: Response, body: unknown, text: string): GatewayError {
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
  const snippet = text.replace(/\s+/g, " ").slice(0, 120);
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

function describeFetchFailure(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError") return "timed out";
  if (err?.name === "AbortError") return "aborted";
  const cause = err?.cause;
  if (cause?.code) return cause.code;
  return cause?.message ?? err?.message ?? String(error);
}
