/**
 * Comments (list, create idempotently through the external ref, find by external ref) and
 * activities (list). Plane has no lookup of a comment by its external ref, so the adapter
 * pages the work item's comments (newest first, PLANE_API §3) and matches the pair.
 */

import type { AdapterCore } from "./adapter-core.js";
import type { Exchange } from "./connection.js";
import { createCommentInputSchema, externalRefSchema, parseInput } from "./input-schemas.js";
import { assertPage, assertUuid } from "./paths.js";
import { activitySchema, commentSchema, pageSchema } from "./plane-schemas.js";
import type { TaskerActivity, TaskerAdapter, TaskerComment } from "./types.js";

const commentPage = pageSchema(commentSchema);
const activityPage = pageSchema(activitySchema);
const SCAN_PER_PAGE = 100;
const SCAN_MAX_PAGES = 20;

export type CommentOperations = Pick<TaskerAdapter, "listComments" | "findCommentByExternalRef" | "createComment" | "listActivities">;

export function createCommentOperations(core: AdapterCore): CommentOperations {
  const { conn, paths } = core;
  const target = (wid: string) => ({ target: `work item ${wid}`, projectScoped: true });

  async function findByRef(x: Exchange, projectId: string, workItemId: string, source: string, externalId: string): Promise<TaskerComment | null> {
    let cursor: string | undefined;
    for (let n = 0; n < SCAN_MAX_PAGES; n++) {
      const page = cursor === undefined ? { per_page: SCAN_PER_PAGE } : { per_page: SCAN_PER_PAGE, cursor };
      const res = await core.onWorkItems((p) => paths.comments(p, projectId, workItemId, page), (path) => conn.get(path, x));
      const { items, next_cursor } = core.decode(commentPage, res, x, target(workItemId));
      const hit = items.find((c) => c.external_source === source && c.external_id === externalId);
      if (hit) return hit;
      if (!next_cursor) return null;
      cursor = next_cursor;
    }
    return null;
  }

  return {
    listComments(ctx, projectId, workItemId, page) {
      return core.run("listComments", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const wid = assertUuid("work item", workItemId);
        const pg = assertPage(page);
        const res = await core.onWorkItems((p) => paths.comments(p, id, wid, pg), (path) => conn.get(path, x));
        return core.decode(commentPage, res, x, target(wid));
      });
    },

    findCommentByExternalRef(ctx, projectId, workItemId, externalSource, externalId) {
      return core.run("findCommentByExternalRef", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const wid = assertUuid("work item", workItemId);
        const ref = parseInput(externalRefSchema, { external_source: externalSource, external_id: externalId }, x.operation);
        return findByRef(x, id, wid, ref.external_source, ref.external_id);
      });
    },

    createComment(ctx, projectId, workItemId, input) {
      return core.run("createComment", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const wid = assertUuid("work item", workItemId);
        const v = parseInput(createCommentInputSchema, input, x.operation);
        const body = { comment_html: v.comment_html, external_source: v.external_source, external_id: v.external_id };
        const res = await core.onWorkItems((p) => paths.comments(p, id, wid), (path) => conn.post(path, body, x));
        if (res.status === 409) {
          // PLANE_API §5: the comment 409 is scoped to the project, not the work item. If the
          // pair is not on this work item, another item holds it: a real rejection.
          const existing = await findByRef(x, id, wid, v.external_source, v.external_id);
          if (existing) return { comment: existing, existed: true };
          throw core.fail(res, x, target(wid));
        }
        return { comment: core.decode(commentSchema, res, x, target(wid)), existed: false };
      });
    },

    listActivities(ctx, projectId, workItemId, page) {
      return core.run("listActivities", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const wid = assertUuid("work item", workItemId);
        const pg = assertPage(page);
        const res = await core.onWorkItems((p) => paths.activities(p, id, wid, pg), (path) => conn.get(path, x));
        const decoded = core.decode(activityPage, res, x, target(wid));
        return {
          ...decoded,
          items: decoded.items.map((a): TaskerActivity => ({ ...a, work_item_id: a.work_item_id ?? wid })),
        };
      });
    },
  };
}
