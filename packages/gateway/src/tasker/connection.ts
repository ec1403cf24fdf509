/**
 * The adapter's wire: one keep-alive undici Pool per Tasker origin, the service key in
 * `X-Api-Key`, connect and total timeouts, the shared request budget, and bounded retries
 * with jitter for reads. It knows three verbs — GET, POST, PATCH — and accepts only paths
 * made by ./paths.ts (a branded type). There is no way to send DELETE or PUT through it
 * (DESIGN §9 rule 1), and it is not exported from the module.
 */

import { EventEmitter } from "node:events";
import { Pool } from "undici";
import { TaskerError } from "./errors.js";
import type { TaskerPath } from "./paths.js";
import type { Clock, RequestBudget } from "./request-budget.js";

export interface TaskerLogger {
  warn(obj: object, msg?: string): void;
  info?(obj: object, msg?: string): void;
  debug?(obj: object, msg?: string): void;
}

export interface ConnectionOptions {
  origin: string;
  apiKey: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxReadRetries: number;
  budget: RequestBudget;
  clock: Clock;
  logger?: TaskerLogger | undefined;
}

export interface TaskerResponse {
  status: number;
  /** Parsed JSON body; undefined when empty or not JSON (non-2xx only — 2xx must be JSON). */
  body: unknown;
  retryAfterS: number | undefined;
}

export interface Exchange {
  agentId: string;
  requestId: string;
  operation: string;
  /** HTTP attempts made for this adapter call so far (for observability). */
  attempts: number;
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
const RETRY_BASE_MS = 100;
const RETRY_CAP_MS = 1_000;

type Failure = { kind: "connect" | "lost" | "timeout"; error: unknown };

function classifyNetworkError(error: unknown, timedOut: boolean): Failure {
  const code = (error as { code?: string } | null)?.code ?? "";
  if (timedOut || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") return { kind: "timeout", error };
  if (code === "ECONNREFUSED" || code === "UND_ERR_CONNECT_TIMEOUT" || code === "ENOTFOUND" || code === "EAI_AGAIN" || code === "EHOSTUNREACH") {
    return { kind: "connect", error };
  }
  return { kind: "lost", error };
}

/** Seconds from a Retry-After header: integer seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Math.min(Number(v.trim()), 3600);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - nowMs) / 1000)), 3600);
}

function safeHeaderValue(v: string): string {
  return v.replace(/[^\x20-\x7e]/g, "").slice(0, 128);
}

export class TaskerConnection {
  private readonly pool: Pool;

  constructor(private readonly o: ConnectionOptions) {
    this.pool = new Pool(o.origin, {
      connections: 32,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      connect: { timeout: o.connectTimeoutMs },
      headersTimeout: o.timeoutMs,
      bodyTimeout: o.timeoutMs,
      maxResponseSize: MAX_RESPONSE_BYTES,
    });
  }

  /** A read: retried (bounded, with jitter) on connection failures, 5xx and 429. */
  async get(path: TaskerPath, x: Exchange): Promise<TaskerResponse> {
    let previous: TaskerResponse | undefined;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.o.maxReadRetries;
      let outcome: TaskerResponse | Failure;
      try {
        outcome = await this.attempt("GET", path, undefined, x);
      } catch (error) {
        // The retry could not get a budget slot in time (typically: a 429 paused the budget
        // past the wait bound). Tasker's own answer says more than "budget exhausted".
        const budgetRefused = error instanceof TaskerError && error.details?.reason === "upstream_budget_exhausted";
        if (previous && budgetRefused) return previous;
        throw error;
      }
      if ("status" in outcome) {
        previous = outcome;
        const retryable = outcome.status >= 500 || outcome.status === 429;
        if (!retryable || last) return outcome;
        this.o.logger?.warn({ operation: x.operation, request_id: x.requestId, status: outcome.status, attempt }, "tasker read failed, retrying");
      } else {
        // A timed-out read is not retried: a hung Tasker would otherwise cost the caller
        // (retries + 1) × timeout. Connection failures are cheap to retry.
        if (outcome.kind === "timeout" || last) throw this.networkError(outcome, x, "GET");
        this.o.logger?.warn({ operation: x.operation, request_id: x.requestId, failure: outcome.kind, attempt }, "tasker read failed, retrying");
      }
      await this.sleep(Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt) * (0.5 + Math.random() * 0.5));
    }
  }

  /** A write: exactly one attempt. An ambiguous outcome is reconciled by the idempotency layer. */
  async post(path: TaskerPath, body: object, x: Exchange): Promise<TaskerResponse> {
    return this.once("POST", path, body, x);
  }

  async patch(path: TaskerPath, body: object, x: Exchange): Promise<TaskerResponse> {
    return this.once("PATCH", path, body, x);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  private async once(method: "POST" | "PATCH", path: TaskerPath, body: object, x: Exchange): Promise<TaskerResponse> {
    const outcome = await this.attempt(method, path, body, x);
    if ("status" in outcome) return outcome;
    throw this.networkError(outcome, x, method);
  }

  private async attempt(
    method: "GET" | "POST" | "PATCH",
    path: TaskerPath,
    body: object | undefined,
    x: Exchange,
  ): Promise<TaskerResponse | Failure> {
    await this.o.budget.acquire(x.agentId);
    x.attempts++;
    // undici takes an EventEmitter as the abort signal: an AbortController per request cost
    // ~2 % of the gateway's CPU in profiles (AbortSignal construction is heavy in Node 20).
    const abort = new EventEmitter();
    let timedOut = false;
    const timer = this.o.clock.setTimer(() => {
      timedOut = true;
      abort.emit("abort");
    }, this.o.timeoutMs);
    try {
      const res = await this.pool.request({
        method,
        path,
        headers: {
          "x-api-key": this.o.apiKey,
          accept: "application/json",
          "user-agent": "nodedc-tasker-gateway",
          "x-request-id": safeHeaderValue(x.requestId),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: abort,
      });
      const text = await res.body.text();
      const retryAfterS = parseRetryAfter(res.headers["retry-after"], this.o.clock.now());
      if (res.statusCode === 429) {
        const pauseS = retryAfterS ?? 60;
        this.o.budget.pauseUntil(this.o.clock.now() + pauseS * 1000);
        this.o.logger?.warn({ operation: x.operation, request_id: x.requestId, retry_after_s: pauseS }, "tasker throttled the gateway (429); budget paused");
      }
      return { status: res.statusCode, body: this.parse(text, res.statusCode, x), retryAfterS };
    } catch (error) {
      if (error instanceof TaskerError) throw error;
      return classifyNetworkError(error, timedOut);
    } finally {
      this.o.clock.clearTimer(timer);
    }
  }

  private parse(text: string, status: number, x: Exchange): unknown {
    if (text.length === 0) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      if (status >= 200 && status < 300) {
        this.o.logger?.warn({ operation: x.operation, request_id: x.requestId, status, bytes: text.length }, "tasker answered malformed JSON");
        throw new TaskerError("tasker_unavailable", `Tasker answered ${x.operation} with malformed JSON; it is misbehaving, retry later.`, {
          status,
          details: { operation: x.operation, reason: "malformed_json" },
        });
      }
      return undefined;
    }
  }

  private networkError(f: Failure, x: Exchange, method: string): TaskerError {
    const reason = f.kind === "timeout" ? "timeout" : f.kind === "connect" ? "connect_failed" : "connection_lost";
    const message =
      f.kind === "timeout"
        ? `Tasker did not answer ${x.operation} within ${this.o.timeoutMs} ms; retry later.`
        : f.kind === "connect"
          ? `Tasker is unreachable (${x.operation}); retry later.`
          : `The connection to Tasker failed during ${x.operation}; retry later.`;
    this.o.logger?.warn({ operation: x.operation, request_id: x.requestId, method, reason, error: String((f.error as Error)?.message ?? f.error) }, "tasker call failed");
    return new TaskerError("tasker_unavailable", message, {
      status: 0,
      cause: f.error,
      // `write_applied` tells the idempotency layer whether a write may have landed.
      details: { operation: x.operation, reason, ...(method === "GET" ? {} : { write_applied: f.kind === "connect" ? false : "unknown" }) },
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.o.clock.setTimer(resolve, ms));
  }
}
