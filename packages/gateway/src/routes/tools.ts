import { Hono, type Context } from "hono";
import { IDEMPOTENCY_HEADER, toolCallRequestSchema } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import type { GatewayEnv } from "../http/context";
import { readJson } from "../http/validate";
import type { PendingAuthentication } from "../auth/auth-epoch";
import { TOOLS } from "../tools/registry";
import { describeTool } from "../tools/tool-descriptor";
import { toolDepsFrom } from "../tools/tool-deps";
import { tokenMayUse } from "../tools/pipeline/authorise";
import { runToolCall } from "../tools/pipeline/run-tool-call";

/**
 * Agent tool routes, mounted at /api/v1/tools: thin — the pipeline lives in
 * tools/pipeline/ (run-tool-call.ts shows its order). `GET /` lists what this token may
 * call; `POST /:name` runs one.
 */
export function toolRoutes(deps: GatewayDeps): Hono<GatewayEnv> {
  const toolDeps = toolDepsFrom(deps);
  const routes = new Hono<GatewayEnv>();

  // The list is read from the database (requireAgent never answers from the cache).
  routes.get("/", deps.requireAgent, (c) => {
    const agent = c.get("agent");
    c.header("Cache-Control", "no-store");
    return c.json({ tools: TOOLS.filter((t) => tokenMayUse(agent, t)).map(describeTool) });
  });

  routes.post("/:name", deps.requireAgentCached, async (c) => {
    const response = await runToolCall(toolDeps, {
      authentication: pendingAuthentication(deps, c),
      requestId: c.get("requestId"),
      toolName: c.req.param("name"),
      readArguments: async () => (await readJson(c, toolCallRequestSchema)).arguments,
      headerKey: c.req.header(IDEMPOTENCY_HEADER),
    });
    for (const [header, value] of Object.entries(response.headers)) c.header(header, value);
    c.header("Content-Type", "application/json; charset=utf-8");
    c.header("Cache-Control", "no-store");
    return c.body(response.bodyText, response.status as 200);
  });
  return routes;
}

/** What requireAgentCached resolved, and how to ask the database instead (auth/auth-epoch.ts). */
function pendingAuthentication(deps: GatewayDeps, c: Context<GatewayEnv>): PendingAuthentication {
  return {
    agent: c.get("agent"),
    epoch: c.get("authEpoch"),
    fromDatabase: async () => {
      const fresh = await deps.authenticateAgent(c);
      c.set("agent", fresh.agent);
      c.set("authEpoch", fresh.epoch);
      return fresh;
    },
  };
}
