import { HttpError } from "../../http/http-error";
import type { ToolCall } from "./tool-call";

/**
 * Step 6, check output: the result must match the tool's output schema (the envelope of
 * untrusted text is part of it); a mismatch is a gateway bug, logged and never sent.
 * Returns the answer's exact JSON text.
 */
export function checkOutput(call: ToolCall, result: unknown): string {
  const checked = call.tool.outputSchema.safeParse(result);
  if (!checked.success) {
    call.deps.logger.error(
      { request_id: call.requestId, tool: call.tool.name, issues: checked.error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message })) },
      "tool result does not match its output schema",
    );
    throw HttpError.internal("the gateway built an invalid result for this tool; this is a gateway bug, report the request id", false);
  }
  return JSON.stringify({ result: checked.data });
}
