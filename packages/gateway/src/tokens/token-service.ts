import type { GatewayDeps } from "../deps";
import type { AgentRow } from "../agents/agent-store";
import { auditActor, withVia, type ActionContext } from "../agents/action-context";
import { revokeToken, type TokenRow } from "./token-store";

/** Revokes one token of the agent now (it is refused on its very next call). Null: no such token. */
export async function revokeTokenFor(deps: Pick<GatewayDeps, "sql" | "audit">, ctx: ActionContext, agent: AgentRow, tokenId: string): Promise<TokenRow | null> {
  return deps.sql.begin(async (tx) => {
    const revoked = await revokeToken(tx, agent.id, tokenId, "revoked_by_owner");
    if (!revoked) return null;
    await deps.audit.inTransaction(tx, {
      ...auditActor(ctx),
      agent_id: agent.id,
      owner_user_id: agent.owner_user_id,
      token_id: revoked.id,
      action: "token.revoke",
      outcome: "allowed",
      ...(ctx.via === "console" ? { details: withVia(ctx, {}) } : {}),
    });
    return revoked;
  });
}
