import { isoTimestamp } from "../http/timestamps";
import type { WorkItemRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";
import { projectLite, serializeLabel, stateLite, userLiteById, workspaceLite } from "./lite";
import { applyShape, type Expanders, type Shape } from "./shape";

/** IssueSerializer output: every column except description_json/description_stripped (§3). */
export function serializeWorkItemFull(store: SandboxStore, item: WorkItemRecord): Record<string, unknown> {
  return {
    id: item.id,
    type_id: null,
    created_at: isoTimestamp(item.createdAt),
    updated_at: isoTimestamp(item.updatedAt),
    deleted_at: item.deletedAt === null ? null : isoTimestamp(item.deletedAt),
    point: null,
    name: item.name,
    description_html: item.descriptionHtml,
    description_binary: null,
    priority: item.priority,
    start_date: item.startDate,
    target_date: item.targetDate,
    sequence_id: item.sequenceId,
    sort_order: item.sortOrder,
    completed_at: item.completedAt === null ? null : isoTimestamp(item.completedAt),
    archived_at: item.archivedAt === null ? null : new Date(item.archivedAt).toISOString().slice(0, 10),
    is_draft: item.isDraft,
    external_source: item.externalSource,
    external_id: item.externalId,
    created_by: item.createdBy,
    updated_by: item.updatedBy,
    project: item.projectId,
    workspace: store.workspace.id,
    parent: item.parentId,
    state: item.stateId,
    estimate_point: null,
    type: null,
    assignees: [...item.assigneeIds],
    labels: [...item.labelIds],
  };
}

function workItemExpanders(store: SandboxStore): Expanders {
  return {
    state: (id) => {
      const state = typeof id === "string" ? store.getState(id) : undefined;
      return state ? stateLite(state) : null;
    },
    parent: (id) => {
      const parent = typeof id === "string" ? store.getWorkItemRaw(id) : undefined;
      return parent ? { id: parent.id, sequence_id: parent.sequenceId, project_id: parent.projectId } : null;
    },
    project: (id) => {
      const project = typeof id === "string" ? store.getProject(id) : undefined;
      return project ? projectLite(project) : null;
    },
    workspace: () => workspaceLite(store),
    assignees: (ids) => (ids as string[]).map((id) => userLiteById(store, id)).filter((u) => u !== null),
    labels: (ids) =>
      (ids as string[])
        .map((id) => store.getLabel(id))
        .filter((l) => l !== undefined)
        .map((l) => serializeLabel(store, l)),
    created_by: (id) => userLiteById(store, id),
    updated_by: (id) => userLiteById(store, id),
    estimate_point: () => null,
  };
}

export function serializeWorkItem(store: SandboxStore, item: WorkItemRecord, shape: Shape): Record<string, unknown> {
  return applyShape(serializeWorkItemFull(store, item), shape, workItemExpanders(store));
}
