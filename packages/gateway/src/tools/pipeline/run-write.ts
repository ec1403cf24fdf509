import { IDEMPOTENT_REPLAYED_HEADER } from "@nodedc/shared";
import { HttpError } from "../../http/http-error";
import { idempotentWrite } from "../../idempotency/idempotent-write";
import type { ToolCallContext } from "../tool-definition";
import { callEvent, identityOf } from "./call-audit";
import { checkOutput } from "./check-output";
import { Denial } from "./denial";
import { knownError } from "./known-error";
import type { ToolCall, ToolResponse } from "./tool-call";

/**
 * Steps 5–8 of a write: the idempotency protocol (idempotency/idempotent-write.ts) around
 * run → check output, with the events a write needs committed where it needs them: the
 * `allowed` event durable before the first Tasker write, `replayed` before the replay.
 */
export async function runWrite(call: ToolCall, ctx: ToolCallContext, args: Record<string, unknown>, key: string, projectId: string | null): Promise<ToolResponse> {
  const { deps, tool } = call;
  const who = identityOf(call);
  let outcome;
  try {
    outcome = await idempotentWrite({
      sql: deps.sql,
      logger: deps.logger,
      agentId: call.agent.agent.id,
      key,
      tool: tool.name,
      args,
      requestId: call.requestId,
      projectId,
      leaseS: deps.settings.idempotencyLeaseS,
      waitMs: deps.settings.idempotencyWaitMs,
      async execute(write) {
        const result = await tool.handler(deps, { ...ctx, write }, args);
        return { bodyText: checkOutput(call, result), cardId: ctx.touched.card_id };
      },
      async auditAllowed(details) {
        await deps.audit.durable(callEvent(who, projectId, "allowed", { details }));
      },
      async auditFailed(error, details) {
        const code = knownError(error, "tool_write")?.code ?? "internal";
        await deps.audit
          .durable(callEvent(who, projectId, "failed", { error_code: code, details: { ...details, card_id: ctx.touched.card_id } }))
          .catch((e) => deps.logger.error({ err: e, request_id: call.requestId }, "audit of a failed tool call failed"));
      },
    });
  } catch (error) {
    throw knownError(error, "tool_write") ?? error;
  }
  switch (outcome.kind) {
    case "completed":
      return { status: 200, bodyText: outcome.bodyText, headers: {} };
    case "replay":
      await deps.audit.durable(
        callEvent(who, projectId, "replayed", { details: { idempotency_key: key, idempotency_record_id: outcome.record_id, card_id: outcome.card_id } }),
      );
      return { status: outcome.status, bodyText: outcome.body, headers: { [IDEMPOTENT_REPLAYED_HEADER]: "true" } };
    case "reused":
      throw new Denial(
        new HttpError("idempotency_key_reused", "this idempotency_key was already used with other arguments; use a fresh key for a different change", { idempotency_key: key }),
        { idempotency_key: key },
      );
    case "in_progress":
      throw new Denial(
        new HttpError(
          "idempotency_in_progress",
          `a call with this idempotency_key is still running; retry the same call in ${outcome.retry_after_s} s`,
          { idempotency_key: key },
          { "Retry-After": String(outcome.retry_after_s) },
        ),
        { idempotency_key: key },
      );
  }
}
