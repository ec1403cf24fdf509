import type { GatewayDeps } from "../deps";
import { auditActor, withVia, type ActionContext } from "../agents/action-context";
import { applyOwnerStatus, getOwner, type OwnerRow, type OwnerStatus } from "./owner-store";

/**
 * An owner lifecycle change (DESIGN §6) with its audit event in the same transaction:
 * blocked suspends every agent at its next request, annulled revokes them, active lifts a block.
 */
export async function setOwnerStatusFor(
  deps: Pick<GatewayDeps, "sql" | "audit">,
  ctx: ActionContext,
  userId: string,
  status: OwnerStatus,
  reason?: string,
): Promise<OwnerRow> {
  await applyOwnerStatus(deps.sql, userId, status, (tx, change) =>
    deps.audit.inTransaction(tx, {
      ...auditActor(ctx),
      owner_user_id: userId,
      action: "owner.status",
      outcome: "allowed",
      details: withVia(ctx, {
        previous: { status: change.previous },
        status,
        ...(reason ? { reason } : {}),
        revoked_agents: change.revokedAgents,
        revoked_tokens: change.revokedTokens,
      }),
    }),
  );
  return (await getOwner(deps.sql, userId))!;
}
