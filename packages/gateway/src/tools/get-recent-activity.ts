import { TOOL_SPECS, wrapUntrusted, type activityEventOut } from "@nodedc/shared";
import type { z } from "zod";
import { recentAgentActions } from "../audit/recent-agent-actions";
import { loadProjectMeta } from "./project-context";
import { presentActivity } from "./presenters";
import { defineTool } from "./tool-definition";

type EventOut = z.input<typeof activityEventOut>;

/** Bounded upstream cost: one list page, then activities of at most this many cards. */
export const RECENT_ACTIVITY_MAX_CARDS = 5;
const DEFAULT_WINDOW_MS = 7 * 24 * 3600 * 1000;

export const getRecentActivityTool = defineTool({
  spec: TOOL_SPECS.get_recent_activity,
  async handler(deps, ctx, args) {
    const since = new Date(args.since ? Date.parse(args.since) : Date.now() - DEFAULT_WINDOW_MS);
    const auditRows = await recentAgentActions(deps.sql, args.project_id, since, args.limit);
    const events: EventOut[] = auditRows.map((r) => ({
      kind: "agent_action",
      occurred_at: r.occurred_at.toISOString(),
      agent: r.agent_id ? { id: r.agent_id, display_name: wrapUntrusted(r.agent_name ?? "(unknown agent)") } : null,
      action: r.action,
      tool: r.tool,
      outcome: r.outcome,
      card_id: r.card_id,
      activity: null,
    }));

    const meta = await loadProjectMeta(deps, ctx, args.project_id);
    const page = await deps.tasker.listWorkItems(ctx.call, args.project_id, { per_page: 50 });
    const recent = page.items
      .filter((i) => Date.parse(i.updated_at) >= since.getTime())
      .sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at))
      .slice(0, RECENT_ACTIVITY_MAX_CARDS);
    const histories = await Promise.all(recent.map((i) => deps.tasker.listActivities(ctx.call, args.project_id, i.id, { per_page: 100 })));
    for (const history of histories) {
      for (const a of history.items) {
        if (Date.parse(a.created_at) < since.getTime()) continue;
        const activity = presentActivity(a, meta);
        events.push({
          kind: "card_activity",
          occurred_at: activity.created_at,
          agent: null,
          action: activity.field ? `${activity.verb}.${activity.field}` : activity.verb,
          tool: null,
          outcome: null,
          card_id: a.work_item_id,
          activity,
        });
      }
    }
    events.sort((a, b) => Date.parse(b.occurred_at) - Date.parse(a.occurred_at));
    return { events: events.slice(0, args.limit) };
  },
});
