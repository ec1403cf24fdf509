import { HttpError } from "../../http/http-error";
import type { ToolCallContext, ToolDeps } from "../tool-definition";
import { admit } from "./admit";
import { authorise } from "./authorise";
import { identityOf } from "./call-audit";
import { auditDenials } from "./denial";
import { findTool, readArguments, type ToolLookup } from "./find-tool";
import { parseArguments } from "./parse-arguments";
import { runRead } from "./run-read";
import { runWrite } from "./run-write";
import type { ToolCall, ToolRequest, ToolResponse } from "./tool-call";

/**
 * The tool pipeline (DESIGN §2), in order — each step is one file of this folder:
 *   1. authenticate   auth/require-agent.ts (the route's middleware; maybe from the auth cache)
 *   –  tool exists, body well formed     find-tool.ts
 *   2. admit          admit.ts       rate limits + the auth epoch in one statement
 *   3. authorise      authorise.ts   scope → project granted → owner's right in Tasker (owner-right.ts)
 *   4. parse          parse-arguments.ts   idempotency key, input schema, id case
 *   5. idempotency    run-write.ts → idempotency/idempotent-write.ts (writes only)
 *   6. run            the tool's handler (the Tasker adapter)
 *   7. check output   check-output.ts
 *   8. audit          call-audit.ts: every call leaves one event (allowed, denied, replayed, failed)
 * A step refuses by throwing a Denial (denial.ts), audited once by auditDenials. Every
 * answer, refusals included, carries the call's RateLimit headers.
 */
export async function runToolCall(deps: ToolDeps, request: ToolRequest, tools?: ToolLookup): Promise<ToolResponse> {
  const tool = await findTool(deps, request, tools);
  const rawArguments = await readArguments(request);
  const admission = await admit(deps, request.authentication);
  const call: ToolCall = { deps, agent: admission.agent, tool, requestId: request.requestId };
  const who = identityOf(call);
  try {
    const grant = await auditDenials(deps, who, null, async () => {
      if (admission.refusal) throw admission.refusal;
      return authorise(call, rawArguments);
    });
    const projectId = grant?.project_id ?? null;
    const input = await auditDenials(deps, who, projectId, () => parseArguments(tool, rawArguments, request.headerKey));
    const ctx: ToolCallContext = {
      agent: call.agent,
      requestId: call.requestId,
      call: { agent_id: call.agent.agent.id, request_id: call.requestId },
      grant,
      write: null,
      touched: { card_id: null },
    };
    // parse gives a key to write tools, and only to them
    const { args, key } = input;
    const answer =
      key !== null
        ? await auditDenials(deps, who, projectId, () => runWrite(call, ctx, args, key, projectId))
        : await runRead(call, ctx, args, projectId);
    return { ...answer, headers: { ...admission.limitHeaders, ...answer.headers } };
  } catch (error) {
    throw error instanceof HttpError ? error.withHeaders(admission.limitHeaders) : error;
  }
}
