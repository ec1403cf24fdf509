import { isDeepStrictEqual } from "node:util";
import { HttpError } from "../../http/http-error";
import type { ToolCall } from "./tool-call";

/**
 * Step 7, check output: returns the answer's exact JSON text, `{"result": …}`.
 *
 * With `settings.checkOutput` (development and tests) the result must match the tool's
 * output schema (the envelope of untrusted text is part of it) AND be exactly what that
 * schema would let through — nothing it would strip, default or transform — so the text
 * sent unchecked in production is byte for byte what the tests checked. A mismatch is a
 * gateway bug: logged, answered 500 `internal`, never sent. Production skips the parse
 * (~0.1–1 ms per call on a real card): every tool call of the test suites runs this check.
 */
export function checkOutput(call: ToolCall, result: unknown): string {
  const text = JSON.stringify({ result });
  if (!call.deps.settings.checkOutput) return text;
  const checked = call.tool.outputSchema.safeParse(result);
  const issues = !checked.success
    ? checked.error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message }))
    : !isDeepStrictEqual(JSON.parse(JSON.stringify({ result: checked.data })), JSON.parse(text))
      ? [{ path: "", message: "the output schema would change this result (a field it strips, defaults or transforms)" }]
      : null;
  if (issues) {
    call.deps.logger.error({ request_id: call.requestId, tool: call.tool.name, issues }, "tool result does not match its output schema");
    throw HttpError.internal("the gateway built an invalid result for this tool; this is a gateway bug, report the request id", false);
  }
  return text;
}
