/**
 * Work items: search, list, get (by id, by `PROJ-123`, by external ref), create
 * (idempotent through the external ref, PLANE_API §5) and update. Writes are sent once;
 * reads may be retried by the connection.
 */

import type { AdapterCore } from "./adapter-core.js";
import type { Exchange } from "./connection.js";
import { TaskerError } from "./errors.js";
import { createWorkItemInputSchema, externalRefSchema, parseInput, updateWorkItemInputSchema } from "./input-schemas.js";
import { assertIdentifier, assertPage, assertSequenceId, assertUuid, isUuid } from "./paths.js";
import { conflictSchema, pageSchema, searchSchema, workItemSchema } from "./plane-schemas.js";
import type { TaskerAdapter, TaskerWorkItem } from "./types.js";

const MAX_SEARCH_QUERY = 255;
const workItemPage = pageSchema(workItemSchema);

export type WorkItemOperations = Pick<
  TaskerAdapter,
  | "searchWorkItems"
  | "listWorkItems"
  | "getWorkItem"
  | "getWorkItemByIdentifier"
  | "findWorkItemByExternalRef"
  | "createWorkItem"
  | "updateWorkItem"
>;

export function createWorkItemOperations(core: AdapterCore): WorkItemOperations {
  const { conn, paths } = core;
  const itemTarget = (id: string) => ({ target: `work item ${id}`, projectScoped: true });

  async function fetchItem(x: Exchange, projectId: string, workItemId: string): Promise<TaskerWorkItem> {
    const res = await core.onWorkItems((p) => paths.workItem(p, projectId, workItemId), (path) => conn.get(path, x));
    const item = core.decode(workItemSchema, res, x, itemTarget(workItemId));
    if (item.project_id !== projectId) {
      throw new TaskerError("not_found", `Tasker has no work item ${workItemId} in project ${projectId}.`, { status: 404, details: { operation: x.operation } });
    }
    return item;
  }

  async function findByRef(x: Exchange, projectId: string, source: string, externalId: string): Promise<TaskerWorkItem | null> {
    const res = await core.onWorkItems(
      (p) => paths.workItemByExternalRef(p, projectId, source, externalId),
      (path) => conn.get(path, x),
    );
    // PLANE_API §3: with both params the list answers one object, or 404 when none matches.
    if (res.status === 404) return null;
    const item = core.decode(workItemSchema, res, x, { target: `project ${projectId}`, projectScoped: true });
    if (item.external_source !== source || item.external_id !== externalId || item.project_id !== projectId) {
      throw new TaskerError("tasker_unavailable", "Tasker answered an external-ref lookup with a different work item; it ignored the filter.", {
        status: res.status,
        retryable: false,
        details: { operation: x.operation, reason: "unexpected_shape" },
      });
    }
    return item;
  }

  return {
    searchWorkItems(ctx, projectId, query, limit) {
      return core.run("searchWorkItems", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const q = typeof query === "string" ? query.trim().slice(0, MAX_SEARCH_QUERY) : "";
        if (!q) return []; // Plane answers an empty query with {"issues":[]} (PLANE_API §3).
        const n = Number.isFinite(limit) ? Math.min(100, Math.max(1, Math.floor(limit))) : 10;
        const res = await core.onWorkItems((p) => paths.search(p, id, q, n), (path) => conn.get(path, x));
        const hits = core.decode(searchSchema, res, x, { target: `project ${id}`, projectScoped: true });
        return hits.filter((h) => h.project_id === id);
      });
    },

    listWorkItems(ctx, projectId, page) {
      return core.run("listWorkItems", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const pg = assertPage(page);
        const res = await core.onWorkItems((p) => paths.workItems(p, id, pg), (path) => conn.get(path, x));
        return core.decode(workItemPage, res, x, { target: `project ${id}`, projectScoped: true });
      });
    },

    getWorkItem(ctx, projectId, workItemId) {
      return core.run("getWorkItem", ctx, (x) => fetchItem(x, assertUuid("project", projectId), assertUuid("work item", workItemId)));
    },

    getWorkItemByIdentifier(ctx, projectIdentifier, sequenceId) {
      return core.run("getWorkItemByIdentifier", ctx, async (x) => {
        const ident = assertIdentifier(projectIdentifier);
        const seq = assertSequenceId(sequenceId);
        const res = await core.onWorkItems((p) => paths.workItemByIdentifier(p, ident, seq), (path) => conn.get(path, x));
        // The identifier route is workspace-level; a 403 still means the key cannot see the project.
        return core.decode(workItemSchema, res, x, { target: `work item ${ident}-${seq}`, projectScoped: true });
      });
    },

    findWorkItemByExternalRef(ctx, projectId, externalSource, externalId) {
      return core.run("findWorkItemByExternalRef", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const ref = parseInput(externalRefSchema, { external_source: externalSource, external_id: externalId }, x.operation);
        return findByRef(x, id, ref.external_source, ref.external_id);
      });
    },

    createWorkItem(ctx, projectId, input) {
      return core.run("createWorkItem", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const v = parseInput(createWorkItemInputSchema, input, x.operation);
        const body = {
          name: v.name,
          ...(v.description_html === undefined ? {} : { description_html: v.description_html }),
          ...(v.state_id === undefined ? {} : { state: v.state_id }),
          ...(v.priority === undefined ? {} : { priority: v.priority }),
          ...(v.label_ids === undefined ? {} : { labels: v.label_ids }),
          ...(v.assignee_ids === undefined ? {} : { assignees: v.assignee_ids }),
          ...(v.parent_id === undefined ? {} : { parent: v.parent_id }),
          external_source: v.external_source,
          external_id: v.external_id,
        };
        const res = await core.onWorkItems((p) => paths.workItems(p, id), (path) => conn.post(path, body, x));
        if (res.status === 409) {
          // PLANE_API §5: the pair exists in this project; the body names the existing item.
          const conflict = conflictSchema.safeParse(res.body);
          const existingId = conflict.success ? conflict.data.id : undefined;
          let existing: TaskerWorkItem | null;
          try {
            existing = isUuid(existingId)
              ? await fetchItem(x, id, existingId.toLowerCase())
              : await findByRef(x, id, v.external_source, v.external_id);
          } catch (error) {
            if (!(error instanceof TaskerError) || error.code !== "not_found") throw error;
            existing = null;
          }
          if (existing) return { item: existing, existed: true };
          // The 409 check also counts archived and draft items, which GET hides (PLANE_API §3, §5).
          throw new TaskerError("tasker_rejected", "Tasker already holds this external ref on a work item the gateway cannot read (archived, draft or otherwise hidden).", {
            status: 409,
            details: { operation: x.operation, reason: "external_ref_taken", ...(isUuid(existingId) ? { existing_id: existingId } : {}) },
          });
        }
        return { item: core.decode(workItemSchema, res, x, { target: `project ${id}`, projectScoped: true }), existed: false };
      });
    },

    updateWorkItem(ctx, projectId, workItemId, input) {
      return core.run("updateWorkItem", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const wid = assertUuid("work item", workItemId);
        const v = parseInput(updateWorkItemInputSchema, input, x.operation);
        const body = {
          ...(v.name === undefined ? {} : { name: v.name }),
          ...(v.description_html === undefined ? {} : { description_html: v.description_html }),
          ...(v.state_id === undefined ? {} : { state: v.state_id }),
          ...(v.priority === undefined ? {} : { priority: v.priority }),
          // PATCH replaces the whole set, and Plane silently narrows it (PLANE_API §3): the
          // caller compares what it sent with what comes back.
          ...(v.label_ids === undefined ? {} : { labels: v.label_ids }),
          ...(v.assignee_ids === undefined ? {} : { assignees: v.assignee_ids }),
        };
        if (Object.keys(body).length === 0) return fetchItem(x, id, wid);
        const res = await core.onWorkItems((p) => paths.workItem(p, id, wid), (path) => conn.patch(path, body, x));
        const item = core.decode(workItemSchema, res, x, itemTarget(wid));
        return item;
      });
    },
  };
}
