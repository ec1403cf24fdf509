import type { HttpError } from "../../http/http-error";
import type { ToolDeps } from "../tool-definition";
import { callEvent, type CallIdentity } from "./call-audit";

/**
 * The one way a step refuses a call before its handler runs: thrown by the step, audited
 * once as `denied` by `auditDenials` (the step does not audit), answered as `error`.
 */
export class Denial extends Error {
  constructor(
    readonly error: HttpError,
    /** Audit details (never a secret). */
    readonly details: Record<string, unknown> = {},
    /** The project the audit event names, when the step knows better than the caller. */
    readonly projectId?: string | null,
  ) {
    super(error.message);
    this.name = "Denial";
  }
}

/**
 * Runs one step; a Denial it throws is audited and rethrown as its HttpError. The refusal
 * waits for its event (a denial is on record before it is answered); a failed write has
 * raised the audit alarm and the refusal still stands.
 */
export async function auditDenials<T>(deps: Pick<ToolDeps, "audit" | "logger">, who: CallIdentity, projectId: string | null, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (!(error instanceof Denial)) throw error;
    const project = error.projectId !== undefined ? error.projectId : projectId;
    await deps.audit
      .durable(callEvent(who, project, "denied", { error_code: error.error.code, details: error.details }))
      .catch((e) => deps.logger.error({ err: e, request_id: who.requestId }, "audit of a denied tool call failed"));
    throw error.error;
  }
}
