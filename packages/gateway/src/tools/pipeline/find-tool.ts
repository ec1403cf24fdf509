import { confirmAuthentication } from "../../auth/auth-epoch";
import { HttpError } from "../../http/http-error";
import { findTool as inRegistry } from "../registry";
import type { AnyToolDefinition, ToolDeps } from "../tool-definition";
import { auditDenials, Denial } from "./denial";
import type { ToolRequest } from "./tool-call";

/**
 * The tool exists (names resolve only through the registry: nothing takes a URL or a
 * path), and the body is a well-formed `{arguments}` envelope. Both answer before the
 * rate-limit statement confirms the auth epoch, so a cached authentication is confirmed
 * from the database first: a 404 or 422 never stands in for a 401 or 403.
 */
export type ToolLookup = (name: string) => AnyToolDefinition | undefined;

export async function findTool(deps: ToolDeps, request: ToolRequest, lookUp: ToolLookup = inRegistry): Promise<AnyToolDefinition> {
  const tool = lookUp(request.toolName);
  if (tool) return tool;
  const agent = await confirmAuthentication(request.authentication);
  const requested = request.toolName.slice(0, 64);
  return auditDenials(deps, { agent, requestId: request.requestId, tool: null }, null, () => {
    throw new Denial(
      new HttpError("tool_not_found", `no tool named ${JSON.stringify(requested)}; GET /api/v1/tools lists the tools you may call`),
      { requested },
    );
  });
}

export async function readArguments(request: ToolRequest): Promise<Record<string, unknown>> {
  try {
    return await request.readArguments();
  } catch (error) {
    await confirmAuthentication(request.authentication);
    throw error;
  }
}
