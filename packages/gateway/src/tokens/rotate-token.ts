import { randomUUID } from "node:crypto";
import type { Sql } from "postgres";
import { generateAgentToken, type RotateTokenResponse } from "@nodedc/shared";
import type { RecordAudit } from "../audit/record-audit";
import { HttpError } from "../http/http-error";
import type { AgentContext } from "../auth/agent-context";
import { openSuccessor, sealSuccessor } from "./replay-seal";
import { findLiveSuccessor, insertSuccessor, lockTokenForRotation, supersedeSuccessor } from "./rotation-store";

export interface RotateTokenInput {
  agent: AgentContext;
  /** The calling token in clear (the bearer): the key of the sealed replay copy. */
  presentedToken: string;
  idempotencyKey: string;
  ip: string;
  requestId: string;
}

export interface RotateTokenDeps {
  sql: Sql;
  pepper: string;
  audit: RecordAudit;
}

/**
 * Mints the successor of the calling token (DESIGN §14). The caller keeps working until the
 * successor is first used (auth/rotation-on-auth.ts). A retry with the same key while the
 * successor is unused gets that same successor back (opened from its sealed copy with the
 * caller's own token); a rotation with another key supersedes the unused one, so at most
 * one unused successor ever exists.
 */
export async function rotateToken(deps: RotateTokenDeps, input: RotateTokenInput): Promise<{ answer: RotateTokenResponse; replayed: boolean }> {
  const { agent } = input;
  return deps.sql.begin(async (tx) => {
    const current = await lockTokenForRotation(tx, agent.token.id);
    // Auth passed a moment ago; a first use of the successor or a revocation may have
    // committed since. Decided again under the row lock.
    if (!current || current.revoked_at || current.rotated_at) throw HttpError.unauthenticated();
    const audit = (outcome: "allowed" | "replayed", details: Record<string, unknown>) =>
      deps.audit.inTransaction(tx, {
        actor_type: "agent",
        agent_id: agent.agent.id,
        owner_user_id: agent.owner.user_id,
        token_id: agent.token.id,
        action: "token.rotate",
        outcome,
        request_id: input.requestId,
        details,
      });

    const live = await findLiveSuccessor(tx, current.id);
    if (live && !live.activated_at && live.rotation_idempotency_key === input.idempotencyKey && live.rotation_replay) {
      const token = openSuccessor(input.presentedToken, live.id, live.rotation_replay);
      if (token) {
        await audit("replayed", { successor_token_id: live.id });
        const answer = { token, token_id: live.id, expires_at: live.expires_at?.toISOString() ?? null, replaces_token_id: current.id };
        return { answer, replayed: true };
      }
    }
    if (live) await supersedeSuccessor(tx, live.id);

    const id = randomUUID();
    const token = generateAgentToken();
    const row = await insertSuccessor(tx, deps.pepper, {
      id,
      predecessorId: current.id,
      token,
      sealed: sealSuccessor(input.presentedToken, id, token),
      idempotencyKey: input.idempotencyKey,
      ip: input.ip,
    });
    await audit("allowed", {
      successor_token_id: row.id,
      expires_at: row.expires_at?.toISOString() ?? null,
      ...(live ? { superseded_token_id: live.id } : {}),
    });
    return { answer: { token, token_id: row.id, expires_at: row.expires_at?.toISOString() ?? null, replaces_token_id: current.id }, replayed: false };
  });
}
