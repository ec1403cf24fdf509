import type { ActivityRecord, WorkItemRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";

type Row = Omit<ActivityRecord, "id" | "workItemId" | "projectId" | "actorId" | "createdAt" | "commentId" | "verb">;

/**
 * Activity rows for a PATCH, one per changed field (PLANE_API §3, `bgtasks/issue_activities_task.py`):
 * display values in old/new_value, UUIDs in old/new_identifier, one row per label or assignee
 * added or removed. Plane writes these asynchronously via Celery; the sandbox writes them
 * synchronously so tests are deterministic.
 */
export function activityRowsForUpdate(store: SandboxStore, before: WorkItemRecord, after: WorkItemRecord): Row[] {
  const rows: Row[] = [];
  const simple = (field: string, oldValue: string | null, newValue: string | null, comment: string) => {
    if (oldValue !== newValue)
      rows.push({ field, oldValue, newValue, oldIdentifier: null, newIdentifier: null, comment });
  };
  simple("name", before.name, after.name, "updated the name to");
  if (before.descriptionHtml !== after.descriptionHtml)
    rows.push({
      field: "description",
      oldValue: before.descriptionHtml,
      newValue: after.descriptionHtml,
      oldIdentifier: null,
      newIdentifier: null,
      comment: "updated the description to",
    });
  simple("priority", before.priority, after.priority, "updated the priority to");
  if (before.stateId !== after.stateId) {
    rows.push({
      field: "state",
      oldValue: before.stateId ? (store.getState(before.stateId)?.name ?? null) : null,
      newValue: after.stateId ? (store.getState(after.stateId)?.name ?? null) : null,
      oldIdentifier: before.stateId,
      newIdentifier: after.stateId,
      comment: "updated the state to",
    });
  }
  if (before.parentId !== after.parentId) {
    const display = (id: string | null) => {
      if (!id) return null;
      const parent = store.getWorkItemRaw(id);
      const project = parent ? store.getProject(parent.projectId) : undefined;
      return parent && project ? `${project.identifier}-${parent.sequenceId}` : null;
    };
    rows.push({
      field: "parent",
      oldValue: display(before.parentId),
      newValue: display(after.parentId),
      oldIdentifier: before.parentId,
      newIdentifier: after.parentId,
      comment: after.parentId ? "updated the parent work item to" : "removed the parent work item",
    });
  }
  simple("start_date", before.startDate, after.startDate, "updated the start date to");
  simple("target_date", before.targetDate, after.targetDate, "updated the target date to");
  setRows(rows, "labels", before.labelIds, after.labelIds, (id) => store.getLabel(id)?.name ?? null, "label");
  setRows(rows, "assignees", before.assigneeIds, after.assigneeIds, (id) => store.getUser(id)?.display_name ?? null, "assignee");
  return rows;
}

function setRows(
  rows: Row[],
  field: string,
  before: readonly string[],
  after: readonly string[],
  display: (id: string) => string | null,
  noun: string,
): void {
  const old = new Set(before);
  const now = new Set(after);
  for (const id of after)
    if (!old.has(id))
      rows.push({ field, oldValue: null, newValue: display(id), oldIdentifier: null, newIdentifier: id, comment: `added ${noun} ` });
  for (const id of before)
    if (!now.has(id))
      rows.push({ field, oldValue: display(id), newValue: null, oldIdentifier: id, newIdentifier: null, comment: `removed ${noun} ` });
}

export function recordUpdateActivities(
  store: SandboxStore,
  before: WorkItemRecord,
  after: WorkItemRecord,
  actorId: string,
  at: number,
): number {
  const rows = activityRowsForUpdate(store, before, after);
  for (const row of rows)
    store.addActivity({
      ...row,
      id: store.newId(),
      workItemId: after.id,
      projectId: after.projectId,
      verb: "updated",
      actorId,
      commentId: null,
      createdAt: at,
    });
  return rows.length;
}
