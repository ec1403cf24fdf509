import { Hono, type Context } from "hono";
import type { HttpBindings } from "@hono/node-server";
import { authenticateApiKey, type Authenticated } from "./auth/api-key";
import { checkPermission, type Permission } from "./auth/permissions";
import type { FaultInjector } from "./faults/fault-injector";
import { applyFault } from "./faults/apply-fault";
import { PlaneError, renderPlaneError } from "./http/plane-error";
import { isPathUuid } from "./http/uuid";
import type { SlidingWindowLimiter } from "./rate-limit/sliding-window";
import type { RequestLog } from "./request-log/request-log";
import { UUID_PARAMS, routeMatcher, routesFor, type Endpoint, type RouteDef } from "./routes/route-table";
import { splitIdentifier } from "./routes/work-item-lookup";
import type { SandboxStore } from "./store/sandbox-store";
import { mountControlRoutes } from "./control/control-routes";

export interface SandboxAppDeps {
  store: SandboxStore;
  requestLog: RequestLog;
  faults: FaultInjector;
  limiter: SlidingWindowLimiter;
  /** Per-key limit for normal keys; `is_service` keys get 5× (Plane: 60 vs 300, §1). */
  rateLimitPerMin: number;
  /** Mount `/_sandbox/` control endpoints (default true). */
  controlRoutes?: boolean;
  /** Emulate self-hosted Plane ≤ 1.0.x: no `/work-items/` routes, only `/issues/` (§2). */
  legacyIssuesOnly?: boolean;
  /** Called by POST /_sandbox/reset. */
  reset: () => void;
}

export type SandboxEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: { auth: Authenticated | undefined; fault: string | undefined };
};

const SERVICE_RATE_MULTIPLIER = 5;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function pathParamsOrNotFound(c: Context<SandboxEnv>): Record<string, string> {
  const params = c.req.param() as Record<string, string>;
  for (const name of UUID_PARAMS) {
    const value = params[name];
    if (value !== undefined && !isPathUuid(value)) throw PlaneError.pageNotFound();
  }
  if (params.ident !== undefined && splitIdentifier(params.ident) === null) throw PlaneError.pageNotFound();
  return params;
}

/**
 * DRF's order (§1): URL resolution → authentication → permission → throttle → method
 * dispatch → handler. Rate-limit headers go on every answer after the throttle passed.
 */
function dispatcher(deps: SandboxAppDeps, permission: Permission, run: Endpoint["handler"] | "method-not-allowed") {
  return async (c: Context<SandboxEnv>): Promise<Response> => {
    let rateHeaders: Record<string, string> | undefined;
    try {
      const params = pathParamsOrNotFound(c);
      const auth = authenticateApiKey(deps.store, c.req.header("x-api-key"), Date.now());
      c.set("auth", auth);
      checkPermission(permission, {
        store: deps.store,
        userId: auth.user.id,
        slug: params.slug ?? deps.store.workspace.slug,
        ...(params.pid !== undefined ? { projectId: params.pid } : {}),
        ...(params.ident !== undefined ? { projectIdentifier: splitIdentifier(params.ident)?.identifier ?? "" } : {}),
      });
      const limit = auth.apiKey.isService ? deps.rateLimitPerMin * SERVICE_RATE_MULTIPLIER : deps.rateLimitPerMin;
      const decision = deps.limiter.check(auth.apiKey.token, limit);
      if (!decision.allowed) throw PlaneError.rateLimited(decision.retryAfterSeconds);
      rateHeaders = {
        "X-RateLimit-Remaining": String(decision.remaining),
        "X-RateLimit-Reset": String(decision.resetUnixSeconds),
      };
      if (run === "method-not-allowed") throw PlaneError.methodNotAllowed(c.req.method);
      const result = await run({
        c,
        store: deps.store,
        user: auth.user,
        apiKey: auth.apiKey,
        params,
        query: c.req.query(),
      });
      if (result.body === null) return new Response(null, { status: result.status, headers: rateHeaders });
      return new Response(JSON.stringify(result.body), {
        status: result.status,
        headers: { "Content-Type": "application/json", ...rateHeaders },
      });
    } catch (error) {
      if (error instanceof PlaneError) return renderPlaneError(error, rateHeaders);
      console.error("[tasker-sandbox] handler error", error);
      return renderPlaneError(PlaneError.serverError(), rateHeaders);
    }
  };
}

function mountRoute(app: Hono<SandboxEnv>, deps: SandboxAppDeps, route: RouteDef): void {
  const entries = Object.entries(route.methods) as Array<[string, Endpoint]>;
  for (const [method, endpoint] of entries) app.on(method, route.path, dispatcher(deps, endpoint.permission, endpoint.handler));
  const fallback = (route.methods.GET ?? entries[0]?.[1])?.permission ?? "workspace";
  app.all(route.path, (c) => {
    // Writes need the write role even when the method then turns out not to exist.
    const permission: Permission = fallback === "project-read" && !SAFE_METHODS.has(c.req.method) ? "project-write" : fallback;
    return dispatcher(deps, permission, "method-not-allowed")(c);
  });
}

/**
 * The sandbox as a Hono app, for in-process `app.request()` tests or for `startTaskerSandbox`.
 */
export function buildSandboxApp(deps: SandboxAppDeps): Hono<SandboxEnv> {
  const app = new Hono<SandboxEnv>({ strict: true });

  // Request log: outermost, so faults are logged too. Control calls are not Tasker calls.
  app.use("*", async (c, next) => {
    if (c.req.path.startsWith("/_sandbox/")) return next();
    const started = performance.now();
    const startedAt = new Date().toISOString();
    let status = 0;
    try {
      await next();
      status = c.res.status;
    } finally {
      const auth = c.get("auth");
      const url = c.req.url;
      const q = url.indexOf("?");
      deps.requestLog.record({
        method: c.req.method,
        path: c.req.path,
        query: q >= 0 ? url.slice(q + 1) : "",
        userId: auth?.user.id ?? null,
        keyLabel: auth?.apiKey.label ?? (c.req.header("x-api-key") ? "unknown" : null),
        status: c.get("fault") === "drop" ? 0 : status,
        fault: c.get("fault") ?? null,
        startedAt,
        startedMs: Math.round(started * 1000) / 1000,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      });
    }
  });

  app.use("*", async (c, next) => {
    if (c.req.path.startsWith("/_sandbox/")) return next();
    const fault = deps.faults.take(c.req.method, c.req.path);
    if (!fault) return next();
    c.set("fault", fault.mode);
    const url = c.req.url;
    const q = url.indexOf("?");
    const request = { signal: c.req.raw.signal, socket: c.env?.incoming?.socket, method: c.req.method, path: c.req.path, query: q >= 0 ? url.slice(q + 1) : "" };
    const response = await applyFault(fault, request, deps.faults);
    if (response === "continue") return next();
    return response;
  });

  if (deps.controlRoutes !== false) mountControlRoutes(app, deps);
  const routes = routesFor({ legacyIssuesOnly: deps.legacyIssuesOnly ?? false });
  const routeExists = routeMatcher(routes);
  for (const route of routes) mountRoute(app, deps, route);

  app.notFound((c) => {
    const path = c.req.path;
    // Django APPEND_SLASH (§1): 301 to the slashed URL when that resolves; a POST body is lost.
    if (!path.endsWith("/") && routeExists(`${path}/`)) {
      const url = c.req.url;
      const q = url.indexOf("?");
      return new Response(null, { status: 301, headers: { Location: `${path}/${q >= 0 ? url.slice(q) : ""}` } });
    }
    return renderPlaneError(PlaneError.pageNotFound());
  });

  app.onError((error) => {
    if (error instanceof PlaneError) return renderPlaneError(error);
    console.error("[tasker-sandbox] unexpected error", error);
    return renderPlaneError(PlaneError.serverError());
  });
  return app;
}
