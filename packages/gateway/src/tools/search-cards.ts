import { createHash } from "node:crypto";
import { TOOL_SPECS } from "@nodedc/shared";
import type { z } from "zod";
import { HttpError } from "../http/http-error";
import type { TaskerWorkItem } from "../tasker/types";
import { loadProjectMeta } from "./project-context";
import { presentCard, type CardOut } from "./presenters";
import { defineTool } from "./tool-definition";

/** Plane ignores list filters (PLANE_API §3), so the gateway filters pages itself, within a budget. */
export const SEARCH_UPSTREAM_PAGE_SIZE = 100;
export const SEARCH_MAX_UPSTREAM_PAGES = 5;

type Args = z.output<typeof TOOL_SPECS.search_cards.inputSchema>;

interface Position {
  /** Plane cursor of the page to continue in (null: the first page). */
  c: string | null;
  /** Index of the next item to examine on that page. */
  i: number;
}

function filterFingerprint(args: Args): string {
  const { limit: _l, cursor: _c, ...filters } = args;
  return createHash("sha256").update(JSON.stringify(filters, Object.keys(filters).sort())).digest("base64url").slice(0, 12);
}

export function encodeSearchCursor(position: Position, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, f: fingerprint, ...position })).toString("base64url");
}

export function decodeSearchCursor(cursor: string, fingerprint: string): Position {
  const invalid = () =>
    HttpError.validation("cursor is not valid for these filters: pass next_cursor unchanged with the same filters, or drop it to start over", {
      issues: [{ path: "arguments.cursor", code: "invalid_cursor", message: "not a next_cursor of this search" }],
    });
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const p = parsed as { v?: unknown; f?: unknown; c?: unknown; i?: unknown };
  if (p.v !== 1 || p.f !== fingerprint || !(p.c === null || (typeof p.c === "string" && p.c.length < 200)) || !Number.isInteger(p.i) || (p.i as number) < 0) {
    throw invalid();
  }
  return { c: p.c as string | null, i: p.i as number };
}

function stripHtml(html: string): string {
  return html.replace(/<[^>]*>/g, " ").replace(/&nbsp;/g, " ").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

export const searchCardsTool = defineTool({
  spec: TOOL_SPECS.search_cards,
  async handler(deps, ctx, args) {
    const fingerprint = filterFingerprint(args);
    let position: Position = args.cursor ? decodeSearchCursor(args.cursor, fingerprint) : { c: null, i: 0 };
    // One Tasker round: the metadata, Plane's search and the first page go out together.
    // They are awaited in the order they used to run one after another, so the first of
    // them to fail is still the answer.
    const listPage = (at: Position) =>
      deps.tasker.listWorkItems(ctx.call, args.project_id, { per_page: SEARCH_UPSTREAM_PAGE_SIZE, ...(at.c ? { cursor: at.c } : {}) });
    const pendingMeta = loadProjectMeta(deps, ctx, args.project_id);
    const pendingSearch = args.query ? deps.tasker.searchWorkItems(ctx.call, args.project_id, args.query, 100) : null;
    let pendingPage: ReturnType<typeof listPage> | null = listPage(position);
    pendingSearch?.catch(() => {});
    pendingPage.catch(() => {});
    const meta = await pendingMeta;

    const query = args.query?.toLowerCase();
    let hits: Set<string> | null = null;
    if (pendingSearch) {
      const found = await pendingSearch;
      hits = new Set(found.filter((h) => h.project_id === args.project_id).map((h) => h.id));
    }
    const since = args.updated_since ? Date.parse(args.updated_since) : null;
    const matches = (item: TaskerWorkItem): boolean => {
      if (args.state_id && item.state_id !== args.state_id) return false;
      if (args.state_group && (!item.state_id || meta.states.get(item.state_id)?.group !== args.state_group)) return false;
      if (args.assignee_id && !item.assignee_ids.includes(args.assignee_id)) return false;
      if (args.label_id && !item.label_ids.includes(args.label_id)) return false;
      if (since !== null && Date.parse(item.updated_at) < since) return false;
      if (query !== undefined) {
        const byText = item.name.toLowerCase().includes(query) || stripHtml(item.description_html).toLowerCase().includes(query);
        const byNumber = /^\d+$/.test(query) && String(item.sequence_id) === query;
        if (!byText && !byNumber && !hits?.has(item.id)) return false;
      }
      return true;
    };

    const cards: CardOut[] = [];
    let scanned = 0;
    let next: Position | null = null;
    let truncated = false;
    for (let pages = 0; ; pages++) {
      if (pages === SEARCH_MAX_UPSTREAM_PAGES) {
        next = position;
        truncated = true;
        break;
      }
      const page = await (pendingPage ?? listPage(position));
      pendingPage = null;
      let full = false;
      for (let i = position.i; i < page.items.length; i++) {
        const item = page.items[i]!;
        scanned++;
        if (item.project_id !== args.project_id || !matches(item)) continue;
        cards.push(presentCard(item, meta, deps.settings.taskerWebUrl, deps.settings.workspaceSlug));
        if (cards.length === args.limit) {
          full = true;
          if (i + 1 < page.items.length) next = { c: position.c, i: i + 1 };
          else next = page.next_cursor ? { c: page.next_cursor, i: 0 } : null;
          break;
        }
      }
      if (full) break;
      if (!page.next_cursor || page.items.length === 0) {
        next = null;
        break;
      }
      position = { c: page.next_cursor, i: 0 };
    }
    return { cards, next_cursor: next ? encodeSearchCursor(next, fingerprint) : null, truncated, scanned };
  },
});
