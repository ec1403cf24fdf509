import type { Sql } from "postgres";
import type { z } from "zod";
import type { ToolSpec } from "@nodedc/shared";
import type { Logger } from "pino";
import type { RecordAudit } from "../audit/record-audit";
import type { AgentContext, AgentGrantContext } from "../auth/agent-context";
import type { CallContext, TaskerAdapter } from "../tasker/types";
import type { RateLimiter } from "../rate-limit/rate-limiter";
import type { WriteContext } from "../idempotency/write-context";

export type { WriteContext };

/**
 * Tools as data (STYLE rule 3): one definition per file, listed once in registry.ts.
 * The pipeline (pipeline/run-tool-call.ts) does everything generic — rate limits, scope,
 * grant, owner's right, validation, idempotency, output check, audit — so a handler only
 * talks to Tasker.
 */
export interface ToolDeps {
  sql: Sql;
  tasker: TaskerAdapter;
  /** The core's audit writer (durable / relaxed / inTransaction). */
  audit: RecordAudit;
  rateLimiter: Pick<RateLimiter, "consumeAll">;
  logger: Pick<Logger, "error" | "warn" | "info">;
  settings: ToolSettings;
}

export interface ToolSettings {
  agentRateLimitPerMin: number;
  ownerRateLimitPerMin: number;
  /** In-flight claims of one idempotency key expire after this long (crashed holder). */
  idempotencyLeaseS: number;
  /** How long a duplicate call waits for the first one to finish before answering 409. */
  idempotencyWaitMs: number;
  /** Tasker's web origin for card links (`url`); null → no links. */
  taskerWebUrl: string | null;
  workspaceSlug: string;
  /**
   * Check every result against its tool's output schema before sending it (pipeline/
   * check-output.ts): on in development and tests, where every tool call of the suites
   * proves the presenters; off in production, which sends what those tests proved.
   */
  checkOutput: boolean;
}

export interface ToolCallContext {
  readonly agent: AgentContext;
  readonly requestId: string;
  /** For every adapter call: the budget is shared fairly between agents. */
  readonly call: CallContext;
  /** The grant of the project the call is about (project-level tools only). */
  readonly grant: AgentGrantContext | null;
  /** Set for write tools. */
  readonly write: WriteContext | null;
  /** Handlers note the card they touched here (audit and recent activity). */
  touched: { card_id: string | null };
}

/**
 * A tool = its contract, written once in `@nodedc/shared` (TOOL_SPECS: name, scope,
 * read/write, annotations, schemas), plus the handler here.
 */
export interface ToolDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> extends ToolSpec<I, O> {
  handler(deps: ToolDeps, ctx: ToolCallContext, args: z.output<I>): Promise<z.input<O>>;
}

export type AnyToolDefinition = ToolDefinition<z.ZodType, z.ZodType>;

/** Keeps each tool's handler typed by its own schemas while the registry holds them alike. */
export function defineTool<I extends z.ZodType, O extends z.ZodType>(def: {
  spec: ToolSpec<I, O>;
  handler(deps: ToolDeps, ctx: ToolCallContext, args: z.output<I>): Promise<z.input<O>>;
}): AnyToolDefinition {
  return { ...def.spec, handler: def.handler } as unknown as AnyToolDefinition;
}

export function isWriteTool(def: AnyToolDefinition): boolean {
  return def.access === "write";
}
