import type { Sql } from "postgres";
import { ROUTES } from "@nodedc/shared";
import type { RecordAudit } from "../audit/record-audit";
import type { TokenAuthRow } from "../tokens/token-store";
import { activateSuccessor, revokeRotationChain } from "../tokens/rotation-store";

/**
 * What agent auth does about rotation (DESIGN §14), kept out of require-agent.ts:
 * - the first accepted request of a successor retires its predecessor (`rotated`);
 * - a `rotated` token presented again means two parties hold the chain: every token of it
 *   is revoked and `token.reuse_after_rotation` is audited with the IPs and devices seen.
 * Both change agent_tokens and so move auth_epoch: a cached row of any token in the chain
 * is read again on its next call, on every replica.
 */

/** Requests that are not a use of a successor: revoking an unused one must not retire the token it would replace. */
const NOT_A_FIRST_USE = new Set<string>([ROUTES.agentSessionRevoke]);

export function isUnusedSuccessor(row: TokenAuthRow): boolean {
  return row.replaces_token_id !== null && row.activated_at === null;
}

/** After an accepted request: the first use of a successor rotates its predecessor out. */
export async function settleFirstUse(sql: Sql, row: TokenAuthRow, path: string, ip: string): Promise<void> {
  if (!isUnusedSuccessor(row) || NOT_A_FIRST_USE.has(path)) return;
  await activateSuccessor(sql, row.token_id, ip);
  // the same object may sit in the auth cache: do not activate it again from there
  row.activated_at = new Date();
}

export interface ReuseSeen {
  requestId: string;
  ip: string;
  userAgent: string | undefined;
}

/** A rotated token came back: revoke the whole chain and audit it, in one transaction. */
export async function revokeChainOnReuse(sql: Sql, audit: RecordAudit, row: TokenAuthRow, seen: ReuseSeen): Promise<void> {
  await sql.begin(async (tx) => {
    const revoked = await revokeRotationChain(tx, row.token_id, "reuse_after_rotation");
    if (!revoked.some((t) => t.id === row.token_id)) return; // a concurrent request already did it
    const ips = new Set<string>([seen.ip]);
    for (const t of revoked) {
      if (t.created_ip) ips.add(t.created_ip);
      if (t.activated_ip) ips.add(t.activated_ip);
    }
    await audit.inTransaction(tx, {
      actor_type: "agent",
      agent_id: row.agent_id,
      owner_user_id: row.owner_user_id,
      token_id: row.token_id,
      action: "token.reuse_after_rotation",
      outcome: "denied",
      error_code: "unauthenticated",
      request_id: seen.requestId,
      details: {
        presented_token_id: row.token_id,
        presented_from_ip: seen.ip,
        presented_user_agent: seen.userAgent?.slice(0, 200) ?? null,
        ips: [...ips],
        revoked_token_ids: revoked.map((t) => t.id),
        chain: revoked.map((t) => ({
          token_id: t.id,
          device_name: t.device_name,
          client: t.client,
          rotation_requested_from_ip: t.created_ip,
          first_used_from_ip: t.activated_ip,
          first_used_at: t.activated_at?.toISOString() ?? null,
          rotated_at: t.rotated_at?.toISOString() ?? null,
          last_used_at: t.last_used_at?.toISOString() ?? null,
        })),
      },
    });
  });
}
