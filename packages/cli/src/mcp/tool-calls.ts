import type { SessionGrant } from "@nodedc/shared";
import { WRITE_TOOL_NAMES } from "../contract-leaves";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { explainGatewayFailure } from "../gateway-client/error-messages";
import { GatewayError, GatewayUnreachableError, type GatewayClient } from "../gateway-client/gateway-client";

/** Raised by the token provider when no usable token exists; its message is shown as is. */
export class TokenUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenUnavailableError";
  }
}

export interface ToolCallDeps {
  gateway: GatewayClient | null;
  gatewayUrl: string | null;
  /** Why there is no gateway (not paired / no URL), when `gateway` is null. */
  notConfigured: string;
  grants: () => Promise<SessionGrant[]>;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
  /** Tools whose annotations say they write (readOnlyHint false), from the last list. */
  isWriteTool: (name: string) => boolean;
}

const MAX_WRITE_ATTEMPTS = 3;
const MAX_READ_ATTEMPTS = 2;
const MAX_WAIT_MS = 5_000;
const RETRYABLE_WRITE_CODES = new Set(["tasker_unavailable", "internal", "idempotency_in_progress"]);

// Keys in the order the SDK's CallToolResultSchema puts them (_meta, content, structuredContent,
// isError): the transport's fast path writes these objects as they are, byte for byte what the
// SDK would have written after its own check (stdio-transport.test.ts).
export function errorResult(text: string): CallToolResult {
  return { content: [{ type: "text", text }], isError: true };
}

export function successResult(result: Record<string, unknown>, replayed: boolean): CallToolResult {
  return {
    ...(replayed ? { _meta: { "nodedc-tasker/idempotent-replayed": true } } : {}),
    content: [{ type: "text", text: JSON.stringify(result) }],
    structuredContent: result,
  };
}

export function isWriteToolName(name: string): boolean {
  return (WRITE_TOOL_NAMES as readonly string[]).includes(name);
}

/** Backoff before attempt `attempt + 1`: the server's Retry-After when given (capped), else 250 ms, 1 s. */
export function retryDelayMs(attempt: number, retryAfterS: number | null): number {
  if (retryAfterS !== null) return Math.min(retryAfterS * 1000, MAX_WAIT_MS);
  return 250 * 4 ** (attempt - 1);
}

/**
 * `tools/call` → `POST /api/v1/tools/{name}`. `idempotency_key` moves from the arguments to
 * the `Idempotency-Key` header. A write whose outcome is unknown (network failure, Tasker
 * unavailable, still in progress) is retried with the SAME key: the gateway replays or
 * reconciles, so nothing is done twice. Reads are retried once on network failure only.
 */
export async function forwardToolCall(deps: ToolCallDeps, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  if (!deps.gateway) return errorResult(deps.notConfigured);
  const write = deps.isWriteTool(name);
  const key = typeof args.idempotency_key === "string" ? args.idempotency_key : undefined;
  const forwarded = { ...args };
  if (key !== undefined) delete forwarded.idempotency_key;
  const maxAttempts = write ? (key === undefined ? 1 : MAX_WRITE_ATTEMPTS) : MAX_READ_ATTEMPTS;

  for (let attempt = 1; ; attempt++) {
    try {
      const response = await deps.gateway.callTool(name, forwarded, key);
      const result = (response.body as { result?: unknown } | null)?.result;
      if (typeof result !== "object" || result === null || Array.isArray(result)) {
        return errorResult(`The gateway answered ${name} without a result object. Retry later; if it persists, tell your Tasker admin.`);
      }
      return successResult(result as Record<string, unknown>, response.replayed);
    } catch (error) {
      if (error instanceof TokenUnavailableError) return errorResult(error.message);
      const canRetry =
        attempt < maxAttempts &&
        (error instanceof GatewayUnreachableError || (write && error instanceof GatewayError && RETRYABLE_WRITE_CODES.has(error.code)));
      if (canRetry) {
        const wait = retryDelayMs(attempt, error instanceof GatewayError ? error.retryAfterS : null);
        deps.log(`${name}: ${(error as Error).message}; retrying in ${wait} ms${key ? " with the same idempotency key" : ""}`);
        await deps.sleep(wait);
        continue;
      }
      const grants = error instanceof GatewayError && error.code === "project_not_granted" ? await deps.grants() : undefined;
      const text = explainGatewayFailure(error, { gatewayUrl: deps.gatewayUrl ?? "(unknown)", tool: name, ...(grants ? { grants } : {}) });
      deps.log(`${name} failed: ${text.split("\n")[0]}`);
      return errorResult(text);
    }
  }
}
