import { Hono } from "hono";
import { IDEMPOTENCY_HEADER, toolCallRequestSchema } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { HttpError } from "../http/http-error";
import { readJson } from "../http/validate";
import { findTool, TOOLS } from "../tools/registry";
import { describeTool } from "../tools/tool-descriptor";
import type { ToolDeps, ToolSettings } from "../tools/tool-definition";
import { runTool, StaleAuthError, tokenMayUse } from "../tools/tool-runner";
import { startIdempotencyPurgeJob } from "../idempotency/purge-job";

/** Defaults of the idempotency timing (not env-configurable yet). */
export const IDEMPOTENCY_LEASE_S = 60;
export const IDEMPOTENCY_WAIT_MS = 5_000;

export function toolDepsFrom(deps: GatewayDeps, overrides: Partial<ToolSettings> = {}): ToolDeps {
  return {
    sql: deps.sql,
    tasker: deps.adapter,
    audit: deps.audit,
    rateLimiter: deps.rateLimiter,
    logger: deps.logger,
    settings: {
      agentRateLimitPerMin: deps.config.limits.agentPerMin,
      ownerRateLimitPerMin: deps.config.limits.ownerPerMin,
      idempotencyLeaseS: IDEMPOTENCY_LEASE_S,
      idempotencyWaitMs: IDEMPOTENCY_WAIT_MS,
      taskerWebUrl: deps.config.tasker.webUrl,
      workspaceSlug: deps.config.tasker.workspaceSlug,
      ...overrides,
    },
  };
}

/**
 * Agent tool routes, mounted at /api/v1/tools: thin — the pipeline lives in
 * tools/tool-runner.ts. `GET /` lists what this token may call; `POST /:name` runs one.
 * Tool names resolve only through the registry: nothing here takes a URL or a path.
 */
export function toolRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const toolDeps = toolDepsFrom(deps);
  // Retention purge of idempotency records (≥ 24 h), one unref'd interval per app; safe on
  // every replica (SKIP LOCKED). Test stacks (NODE_ENV=test) build many apps: they call
  // purgeIdempotencyRecords directly instead.
  if (deps.config.nodeEnv !== "test") {
    startIdempotencyPurgeJob(deps.sql, { onError: (error) => deps.logger.warn({ err: error }, "idempotency purge failed; retrying at the next tick") });
  }
  const routes = new Hono<GatewayEnv>();

  // The list is read from the database; a call may be authenticated from the cache because
  // runTool confirms the auth epoch before it decides anything.
  routes.get("/", deps.requireAgent, (c) => {
    const agent = c.get("agent");
    c.header("Cache-Control", "no-store");
    return c.json({ tools: TOOLS.filter((t) => tokenMayUse(agent, t)).map(describeTool) });
  });

  routes.post("/:name", deps.requireAgentCached, async (c) => {
    // An answer given before runTool confirms the auth epoch (unknown tool, bad body) must
    // not stand in for a 401 or 403: when the row came from the cache, ask the database first.
    const confirmAuth = async () => {
      if (c.get("authEpoch") !== null) await deps.requireAgent(c, async () => {});
    };
    const name = c.req.param("name");
    const tool = findTool(name);
    if (!tool) {
      await confirmAuth();
      const agent = c.get("agent");
      await deps
        .audit({
          actor_type: "agent",
          agent_id: agent.agent.id,
          owner_user_id: agent.owner.user_id,
          token_id: agent.token.id,
          action: "tool.unknown",
          outcome: "denied",
          error_code: "tool_not_found",
          request_id: c.get("requestId"),
          details: { requested: name.slice(0, 64) },
        })
        .catch((e) => deps.logger.error({ err: e }, "audit of an unknown tool call failed"));
      throw new HttpError("tool_not_found", `no tool named ${JSON.stringify(name.slice(0, 64))}; GET /api/v1/tools lists the tools you may call`);
    }
    let body;
    try {
      body = await readJson(c, toolCallRequestSchema);
    } catch (error) {
      await confirmAuth();
      throw error;
    }
    const run = () =>
      runTool(toolDeps, {
        agent: c.get("agent"),
        requestId: c.get("requestId"),
        tool,
        rawArguments: body.arguments,
        headerKey: c.req.header(IDEMPOTENCY_HEADER),
        authEpoch: c.get("authEpoch"),
      });
    let response;
    try {
      response = await run();
    } catch (error) {
      if (!(error instanceof StaleAuthError)) throw error;
      // Something agent auth depends on changed since the cached row was read: decide again
      // from the database (this may deny), then run the call on that fresh authentication.
      await deps.requireAgent(c, async () => {});
      response = await run();
    }
    for (const [header, value] of Object.entries(response.headers)) c.header(header, value);
    c.header("Content-Type", "application/json; charset=utf-8");
    c.header("Cache-Control", "no-store");
    return c.body(response.bodyText, response.status as 200);
  });
  return routes;
}
