import { LRUCache } from "lru-cache";
import type { Sql } from "postgres";
import type { TaskerAdapter } from "../tasker/types";
import { cardWebUrl } from "../tools/presenters";
import type { CardRef } from "./pages/activity-section";

/**
 * Card identifiers (`DEMO-12`) and Tasker links for the Activity table. Audit events name
 * the card by id (a create names it only in its idempotency record, written after Tasker
 * answered); the sequence number comes from Tasker once per card and is cached, since a
 * card never changes its number. Tasker being down degrades to the short id, never an error.
 */
export class CardRefResolver {
  private readonly sequence = new LRUCache<string, number>({ max: 5000 });

  constructor(
    private readonly deps: { sql: Sql; adapter: TaskerAdapter; webUrl: string | null; workspaceSlug: string },
  ) {}

  /** card_id of each event: its own details, else its idempotency record's. */
  async cardIdsOf(events: { id: string; details: Record<string, unknown> }[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const viaRecord = new Map<string, string>();
    for (const e of events) {
      const direct = e.details.card_id;
      if (typeof direct === "string") out.set(e.id, direct);
      else if (typeof e.details.idempotency_record_id === "string") viaRecord.set(e.id, e.details.idempotency_record_id);
    }
    if (viaRecord.size > 0) {
      const rows = await this.deps.sql<{ id: string; card_id: string | null }[]>`
        SELECT id, card_id FROM idempotency_records WHERE id = ANY(${[...new Set(viaRecord.values())]}::uuid[])`;
      const cardOf = new Map(rows.map((r) => [r.id, r.card_id]));
      for (const [eventId, recordId] of viaRecord) {
        const card = cardOf.get(recordId);
        if (card) out.set(eventId, card);
      }
    }
    return out;
  }

  /** Resolves many cards at once (in parallel, each at most once). */
  async refs(
    cards: { card_id: string; project_id: string; agent_id: string }[],
    identifierOfProject: (projectId: string) => string | null,
    requestId: string,
  ): Promise<Map<string, CardRef>> {
    const unique = new Map(cards.map((c) => [c.card_id, c]));
    await Promise.all(
      [...unique.values()]
        .filter((c) => !this.sequence.has(c.card_id) && identifierOfProject(c.project_id))
        .map(async (c) => {
          try {
            const item = await this.deps.adapter.getWorkItem({ agent_id: c.agent_id, request_id: requestId }, c.project_id, c.card_id);
            this.sequence.set(c.card_id, item.sequence_id);
          } catch {
            // deleted card, or Tasker unavailable: the short id below says enough
          }
        }),
    );
    const out = new Map<string, CardRef>();
    for (const c of unique.values()) {
      const seq = this.sequence.get(c.card_id);
      const identifier = identifierOfProject(c.project_id);
      const label = seq !== undefined && identifier ? `${identifier}-${seq}` : `card ${c.card_id.slice(0, 8)}`;
      const url = this.deps.webUrl ? cardWebUrl(this.deps.webUrl, this.deps.workspaceSlug, c.project_id, c.card_id) : null;
      out.set(c.card_id, { label, url });
    }
    return out;
  }
}
