import { formatPairingCode } from "@nodedc/shared";
import type { GatewayDeps } from "../deps";
import { HttpError } from "../http/http-error";
import type { KeysetCursor } from "../http/cursor";
import { assertAgentNotRevoked } from "../agents/agent-access";
import type { AgentRow } from "../agents/agent-store";
import { auditActor, withVia, type ActionContext } from "../agents/action-context";
import { cancelPairingCode, createPairingCode, getPairingCodeStatus, listPairingCodes, type PairingStatusRow } from "./pairing-store";

type Deps = Pick<GatewayDeps, "sql" | "audit" | "config">;

/** The command a human copies to the laptop (DESIGN §2). */
export function pairCommand(code: string, publicUrl: string): string {
  return `npx nodedc-tasker pair ${formatPairingCode(code)} --gateway ${publicUrl}`;
}

export interface CreatedPairingCode {
  id: string;
  /** Formatted `XXXX-XXXX`; shown once to the human, never stored in clear. */
  code: string;
  expires_at: Date;
  command: string;
}

export async function createPairingCodeFor(deps: Deps, ctx: ActionContext, agent: AgentRow, ttlS?: number): Promise<CreatedPairingCode> {
  assertAgentNotRevoked(agent);
  const created = await createPairingCode(deps.sql, deps.config.tokenPepper, {
    agent_id: agent.id,
    owner_user_id: agent.owner_user_id,
    created_by: ctx.user.user_id,
    ...(ttlS !== undefined ? { ttl_s: ttlS } : {}),
  });
  await deps.audit.durable({
    ...auditActor(ctx),
    agent_id: agent.id,
    owner_user_id: agent.owner_user_id,
    action: "pairing_code.create",
    outcome: "allowed",
    details: withVia(ctx, { pairing_code_id: created.id, expires_at: created.expires_at.toISOString() }),
  });
  return { id: created.id, code: formatPairingCode(created.code), expires_at: created.expires_at, command: pairCommand(created.code, deps.config.publicUrl) };
}

export function listPairingCodesFor(deps: Pick<GatewayDeps, "sql">, agent: AgentRow, q: { limit: number; after: KeysetCursor | null }): Promise<PairingStatusRow[]> {
  return listPairingCodes(deps.sql, agent.id, q);
}

/**
 * Cancels a pending code. Unknown ids are 404; a code that is no longer pending (used,
 * expired or already cancelled) is 422 with its status, so the caller can say why.
 */
export async function cancelPairingCodeFor(deps: Deps, ctx: ActionContext, agent: AgentRow, codeId: string): Promise<PairingStatusRow> {
  const cancelled = await cancelPairingCode(deps.sql, agent.id, codeId);
  const row = await getPairingCodeStatus(deps.sql, agent.id, codeId);
  if (!row) throw HttpError.notFound("pairing code not found");
  if (!cancelled) {
    if (row.status === "cancelled") return row;
    throw HttpError.validation(`this pairing code is ${row.status}; only a pending code can be cancelled`, { status: row.status });
  }
  await deps.audit.durable({
    ...auditActor(ctx),
    agent_id: agent.id,
    owner_user_id: agent.owner_user_id,
    action: "pairing_code.cancel",
    outcome: "allowed",
    details: withVia(ctx, { pairing_code_id: codeId }),
  });
  return row;
}
