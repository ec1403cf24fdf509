/**
 * What every adapter operation shares: the call wrapper (context, metrics, "never crash"),
 * decoding of answers with zod, the `/work-items/` → `/issues/` fallback, and the cache.
 */

import type { z } from "zod";
import type { Exchange, TaskerConnection, TaskerLogger, TaskerResponse } from "./connection.js";
import { isPageNotFound, isTaskerError, TaskerError, taskerErrorFromResponse, type TaskerErrorCode } from "./errors.js";
import type { MetadataCache } from "./metadata-cache.js";
import type { PathBuilder, TaskerPath, WorkItemPrefix } from "./paths.js";
import type { Clock } from "./request-budget.js";
import type { CallContext, TaskerAdapter } from "./types.js";

export type TaskerOperation = keyof TaskerAdapter;

export interface TaskerCallEvent {
  operation: TaskerOperation;
  /**
   * `ok`; `cache_hit` when the call succeeded without any Tasker request of its own (served
   * from the metadata cache, joined another caller's fetch, or nothing to ask, e.g. an
   * empty search); otherwise the TaskerError code.
   */
  outcome: "ok" | "cache_hit" | TaskerErrorCode;
  duration_ms: number;
  /** HTTP requests this call sent to Tasker (retries and fallbacks included). */
  upstream_requests: number;
}

export interface Target {
  target: string;
  projectScoped: boolean;
}

export interface AdapterCore {
  paths: PathBuilder;
  conn: TaskerConnection;
  cache: MetadataCache;
  /** Runs one adapter operation for `ctx`: metrics, and any non-TaskerError becomes tasker_unavailable. */
  run<T>(operation: TaskerOperation, ctx: CallContext, fn: (x: Exchange) => Promise<T>): Promise<T>;
  /** 2xx → schema-validated value; other statuses → TaskerError. */
  decode<S extends z.ZodTypeAny>(schema: S, res: TaskerResponse, x: Exchange, target: Target): z.output<S>;
  fail(res: TaskerResponse, x: Exchange, target: Target): TaskerError;
  /** Sends on the remembered work-item prefix, detecting Plane ≤ 1.0 (no `/work-items/`) once. */
  onWorkItems(build: (prefix: WorkItemPrefix) => TaskerPath, send: (path: TaskerPath) => Promise<TaskerResponse>): Promise<TaskerResponse>;
}

export interface CoreOptions {
  paths: PathBuilder;
  conn: TaskerConnection;
  cache: MetadataCache;
  clock: Clock;
  apiKey: string;
  logger?: TaskerLogger | undefined;
  onCall?: ((event: TaskerCallEvent) => void) | undefined;
}

function agentOf(ctx: CallContext | undefined): { agentId: string; requestId: string } {
  const agentId = typeof ctx?.agent_id === "string" && ctx.agent_id.length > 0 ? ctx.agent_id.slice(0, 128) : "unknown";
  const requestId = typeof ctx?.request_id === "string" ? ctx.request_id : "";
  return { agentId, requestId };
}

export function createAdapterCore(o: CoreOptions): AdapterCore {
  let prefix: WorkItemPrefix | null = null;

  const fail = (res: TaskerResponse, x: Exchange, t: Target): TaskerError =>
    taskerErrorFromResponse(res.status, res.body, { operation: x.operation, ...t, retryAfterS: res.retryAfterS }, o.apiKey);

  return {
    paths: o.paths,
    conn: o.conn,
    cache: o.cache,
    fail,

    async run(operation, ctx, fn) {
      const started = o.clock.now();
      const x: Exchange = { operation, ...agentOf(ctx), attempts: 0 };
      let outcome: TaskerCallEvent["outcome"] = "ok";
      try {
        return await fn(x);
      } catch (error) {
        const e = isTaskerError(error)
          ? error
          : new TaskerError("tasker_unavailable", `The Tasker adapter failed unexpectedly during ${operation}.`, {
              status: 0,
              cause: error,
              details: { operation, reason: "adapter_error" },
            });
        if (!isTaskerError(error)) o.logger?.warn({ operation, request_id: x.requestId, error: String(error) }, "tasker adapter: unexpected error");
        outcome = e.code;
        throw e;
      } finally {
        if (outcome === "ok" && x.attempts === 0) outcome = "cache_hit";
        try {
          o.onCall?.({ operation, outcome, duration_ms: o.clock.now() - started, upstream_requests: x.attempts });
        } catch {
          // An observer must never break a call.
        }
      }
    },

    decode(schema, res, x, t) {
      if (res.status < 200 || res.status >= 300) throw fail(res, x, t);
      const parsed = schema.safeParse(res.body);
      if (parsed.success) return parsed.data;
      const issues = parsed.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
      o.logger?.warn({ operation: x.operation, request_id: x.requestId, status: res.status, issues }, "tasker answered an unexpected shape");
      throw new TaskerError("tasker_unavailable", `Tasker answered ${x.operation} with an unexpected shape; it does not behave like the Plane API the gateway expects.`, {
        status: res.status,
        retryable: false,
        details: { operation: x.operation, reason: "unexpected_shape", issues },
      });
    },

    async onWorkItems(build, send) {
      const chosen = prefix ?? "work-items";
      const res = await send(build(chosen));
      if (prefix !== null) return res;
      if (chosen === "work-items" && isPageNotFound(res.status, res.body)) {
        // PLANE_API §2: self-hosted Plane ≤ 1.0 routes only `/issues/` (plane#8542). Django
        // resolves URLs before auth, so "Page not found." means the route is missing.
        prefix = "issues";
        o.logger?.warn({}, "tasker has no /work-items/ routes (Plane <= 1.0); using /issues/ from now on");
        return send(build("issues"));
      }
      if (res.status < 500 && res.status !== 429) prefix = "work-items";
      return res;
    },
  };
}
