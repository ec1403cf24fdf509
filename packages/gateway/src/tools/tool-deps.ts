import type { GatewayDeps } from "../deps";
import { IDEMPOTENCY_WAIT_MS } from "../idempotency/idempotent-write";
import type { ToolDeps, ToolSettings } from "./tool-definition";

/** What the tool pipeline and handlers get from the core (tests override settings). */
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
      idempotencyLeaseS: deps.config.idempotencyLeaseS,
      idempotencyWaitMs: IDEMPOTENCY_WAIT_MS,
      taskerWebUrl: deps.config.tasker.webUrl,
      workspaceSlug: deps.config.tasker.workspaceSlug,
      checkOutput: deps.config.nodeEnv !== "production",
      ...overrides,
    },
  };
}
