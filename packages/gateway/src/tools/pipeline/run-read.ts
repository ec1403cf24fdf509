import type { ToolCallContext } from "../tool-definition";
import { auditInBackground, callEvent, identityOf } from "./call-audit";
import { checkOutput } from "./check-output";
import { knownError } from "./known-error";
import type { ToolCall, ToolResponse } from "./tool-call";

/** Steps 5–7 of a read: run the handler, check its output, audit the outcome (in the background). */
export async function runRead(call: ToolCall, ctx: ToolCallContext, args: Record<string, unknown>, projectId: string | null): Promise<ToolResponse> {
  const who = identityOf(call);
  let bodyText: string;
  try {
    bodyText = checkOutput(call, await call.tool.handler(call.deps, ctx, args));
  } catch (error) {
    const known = knownError(error, "tool_read");
    auditInBackground(call.deps, callEvent(who, projectId, "failed", { error_code: known?.code ?? "internal", details: { card_id: ctx.touched.card_id } }));
    throw known ?? error;
  }
  auditInBackground(call.deps, callEvent(who, projectId, "allowed", { details: ctx.touched.card_id ? { card_id: ctx.touched.card_id } : {} }));
  return { status: 200, bodyText, headers: {} };
}
