import type { Sql } from "postgres";
import { isUuid, WRITE_TOOL_NAMES } from "@nodedc/shared";
import type { AuditOutcome } from "./audit-event";

export interface RecentAgentAction {
  occurred_at: Date;
  agent_id: string | null;
  agent_name: string | null;
  action: string;
  tool: string | null;
  outcome: AuditOutcome;
  /** The card the write touched (from its idempotency record, else its event); null if unknown. */
  card_id: string | null;
}

/**
 * The write actions agents took in a project (allowed and failed, newest first), for
 * get_recent_activity: who created, updated, commented or reported on which card.
 */
export async function recentAgentActions(sql: Sql, projectId: string, since: Date, limit: number): Promise<RecentAgentAction[]> {
  const rows = await sql<RecentAgentAction[]>`
    SELECT e.occurred_at, e.agent_id, a.display_name AS agent_name, e.action, e.tool, e.outcome,
           COALESCE(r.card_id::text, e.details->>'card_id') AS card_id
      FROM audit_events e
      LEFT JOIN agents a ON a.id = e.agent_id
      LEFT JOIN idempotency_records r ON r.id::text = e.details->>'idempotency_record_id'
     WHERE e.project_id = ${projectId}
       AND e.actor_type = 'agent'
       AND e.tool IN ${sql([...WRITE_TOOL_NAMES])}
       AND e.outcome IN ('allowed', 'failed')
       AND e.occurred_at >= ${since}
     ORDER BY e.occurred_at DESC, e.id DESC
     LIMIT ${limit}`;
  // details are free JSON: a card id is only trusted when it has a UUID's shape
  return rows.map((r) => ({ ...r, card_id: isUuid(r.card_id) ? r.card_id : null }));
}
