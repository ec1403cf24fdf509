import type { Priority, WorkItemRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";

export interface NewWorkItem {
  id?: string;
  projectId: string;
  name: string;
  descriptionHtml: string;
  priority: Priority;
  /** null → the project's default state (§3). */
  stateId: string | null;
  parentId: string | null;
  startDate?: string | null;
  targetDate?: string | null;
  labelIds: string[];
  assigneeIds: string[];
  actorId: string;
  createdAt?: number;
  externalSource: string | null;
  externalId: string | null;
}

/**
 * Inserts a work item the way Plane's create path does: default state, next sequence id,
 * sort_order, completed_at for completed states, and the "created" activity row (§3).
 * Inputs are assumed validated.
 */
export function createWorkItemRow(store: SandboxStore, input: NewWorkItem): WorkItemRecord {
  const now = input.createdAt ?? store.now();
  const stateId = input.stateId ?? store.defaultState(input.projectId)?.id ?? null;
  const state = stateId ? store.getState(stateId) : undefined;
  const item: WorkItemRecord = {
    id: input.id ?? store.newId(),
    projectId: input.projectId,
    name: input.name,
    descriptionHtml: input.descriptionHtml,
    priority: input.priority,
    stateId,
    parentId: input.parentId,
    startDate: input.startDate ?? null,
    targetDate: input.targetDate ?? null,
    sequenceId: store.nextSequenceId(input.projectId),
    sortOrder: store.nextSortOrder(stateId),
    completedAt: state?.group === "completed" ? now : null,
    archivedAt: null,
    isDraft: false,
    externalSource: input.externalSource,
    externalId: input.externalId,
    assigneeIds: [...new Set(input.assigneeIds)],
    labelIds: [...new Set(input.labelIds)],
    createdBy: input.actorId,
    updatedBy: null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  store.insertWorkItem(item);
  store.addActivity({
    id: store.newId(),
    workItemId: item.id,
    projectId: item.projectId,
    verb: "created",
    field: null,
    oldValue: null,
    newValue: null,
    oldIdentifier: null,
    newIdentifier: null,
    comment: "created the work item",
    actorId: input.actorId,
    commentId: null,
    createdAt: now,
  });
  return item;
}
