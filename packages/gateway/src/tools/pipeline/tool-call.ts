import type { AgentContext } from "../../auth/agent-context";
import type { PendingAuthentication } from "../../auth/auth-epoch";
import type { AnyToolDefinition, ToolDeps } from "../tool-definition";

/** One POST /api/v1/tools/{name} as the route hands it to the pipeline (run-tool-call.ts). */
export interface ToolRequest {
  /** Step 1, authenticate: what the agent-auth middleware resolved (maybe from the auth cache). */
  authentication: PendingAuthentication;
  requestId: string;
  /** The `{name}` path segment, not looked up yet. */
  toolName: string;
  /** Reads and checks the `{arguments}` envelope of the body; throws 4xx on a bad body. */
  readArguments(): Promise<Record<string, unknown>>;
  /** The `Idempotency-Key` header, if any. */
  headerKey: string | undefined;
}

export interface ToolResponse {
  status: number;
  /** The exact JSON text of `{result}` (replays send the stored text byte for byte). */
  bodyText: string;
  headers: Record<string, string>;
}

/** Who calls which tool, once authentication is confirmed: what every later step and audit event uses. */
export interface ToolCall {
  deps: ToolDeps;
  agent: AgentContext;
  tool: AnyToolDefinition;
  requestId: string;
}
