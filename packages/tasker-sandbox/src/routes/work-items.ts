import { PlaneError } from "../http/plane-error";
import { paginateList, paginateWindow, parsePageRequest } from "../pagination/paginate";
import { serializeWorkItem } from "../serializers/work-item";
import { PRIORITIES, ROLE_ADMIN, type WorkItemRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";
import { recordUpdateActivities } from "../work-items/activity-diff";
import { createWorkItemRow } from "../work-items/create-work-item";
import { EMPTY_HTML } from "../work-items/sanitize-html";
import { defaultAssignees, toRowChanges, validateWorkItemInput } from "../work-items/work-item-input";
import { json, noContent, readJsonBody, shapeOf, type ApiResult, type RequestContext } from "./context";

const DUPLICATE_EXTERNAL = "Issue with the same external id and external source already exists";

/** The work item addressed by the path, visible rows of that project only. */
function workItemInPath(rc: RequestContext): WorkItemRecord {
  const item = rc.store.getWorkItem(rc.params.id as string);
  if (!item || item.projectId !== rc.params.pid) throw PlaneError.doesNotExist();
  return item;
}

type Comparator = (a: WorkItemRecord, b: WorkItemRecord) => number;

function orderingFor(store: SandboxStore, orderBy: string): Comparator | null {
  const desc = orderBy.startsWith("-");
  const field = desc ? orderBy.slice(1) : orderBy;
  const sign = desc ? -1 : 1;
  const byNumber = (get: (w: WorkItemRecord) => number): Comparator => (a, b) => sign * (get(a) - get(b));
  const byText = (get: (w: WorkItemRecord) => string): Comparator => (a, b) => sign * get(a).localeCompare(get(b));
  switch (field) {
    case "created_at":
      return byNumber((w) => w.createdAt);
    case "updated_at":
      return byNumber((w) => w.updatedAt);
    case "sequence_id":
      return byNumber((w) => w.sequenceId);
    case "sort_order":
      return byNumber((w) => w.sortOrder);
    case "name":
      return byText((w) => w.name);
    case "priority":
      // Plane's custom priority order: urgent first for `priority` (§3).
      return byNumber((w) => PRIORITIES.indexOf(w.priority));
    case "state__name":
      return byText((w) => (w.stateId ? (store.getState(w.stateId)?.name ?? "") : ""));
    case "state__group": {
      const groups = ["backlog", "unstarted", "started", "completed", "cancelled"];
      return byNumber((w) => groups.indexOf(w.stateId ? (store.getState(w.stateId)?.group ?? "") : ""));
    }
    case "target_date":
      return byText((w) => w.targetDate ?? "9999-12-31");
    case "start_date":
      return byText((w) => w.startDate ?? "9999-12-31");
    default:
      return null;
  }
}

/**
 * List: `-created_at` by default; with BOTH external_id and external_source the answer is the
 * single object or 404; every other filter is ignored silently (§3, plane#8221).
 */
export function listWorkItems(rc: RequestContext): ApiResult {
  const projectId = rc.params.pid as string;
  const shape = shapeOf(rc);
  const { external_id: externalId, external_source: externalSource } = rc.query;
  if (externalId !== undefined && externalSource !== undefined) {
    const matches = rc.store
      .workItemsByExternalRef(projectId, externalSource, externalId)
      .filter((w) => rc.store.getWorkItem(w.id) !== undefined);
    if (matches.length === 0) throw PlaneError.doesNotExist();
    // §5: more than one match is a MultipleObjectsReturned → 500.
    if (matches.length > 1) throw PlaneError.serverError();
    return json(serializeWorkItem(rc.store, matches[0] as WorkItemRecord, shape));
  }
  const req = parsePageRequest(rc.query);
  const items = rc.store.visibleWorkItems(projectId);
  const serialize = (w: WorkItemRecord) => serializeWorkItem(rc.store, w, shape);
  const orderBy = rc.query.order_by ?? "-created_at";
  if (orderBy === "-created_at" || orderingFor(rc.store, orderBy) === null) {
    // Fast path: the store keeps rows ascending by created_at; walk it backwards, O(page).
    return json(
      paginateWindow(items.length, req, (offset, limit) => {
        const out: Record<string, unknown>[] = [];
        for (let i = items.length - 1 - offset; i >= 0 && out.length < limit; i--)
          out.push(serialize(items[i] as WorkItemRecord));
        return out;
      }),
    );
  }
  const comparator = orderingFor(rc.store, orderBy) as Comparator;
  const sorted = [...items].sort((a, b) => comparator(a, b) || b.createdAt - a.createdAt);
  return json(paginateList(sorted, req, serialize));
}

export function getWorkItem(rc: RequestContext): ApiResult {
  return json(serializeWorkItem(rc.store, workItemInPath(rc), shapeOf(rc)));
}

export async function createWorkItem(rc: RequestContext): Promise<ApiResult> {
  const projectId = rc.params.pid as string;
  const body = await readJsonBody(rc);
  const input = validateWorkItemInput(rc.store, projectId, body, "create");
  // §5: check-then-insert on the pair, only when both are given and the payload is valid.
  if (input.externalId && input.externalSource) {
    const existing = rc.store.workItemsByExternalRef(projectId, input.externalSource, input.externalId)[0];
    if (existing) throw PlaneError.conflict(DUPLICATE_EXTERNAL, existing.id);
    const delay = rc.store.settings.externalRefCheckDelayMs;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  }
  const item = createWorkItemRow(rc.store, {
    projectId,
    name: input.name as string,
    descriptionHtml: input.descriptionHtml ?? EMPTY_HTML,
    priority: input.priority ?? "none",
    stateId: input.stateId ?? null,
    parentId: input.parentId ?? null,
    startDate: input.startDate ?? null,
    targetDate: input.targetDate ?? null,
    labelIds: input.labelIds ?? [],
    // §3: no (eligible) assignees → the project's default_assignee, if eligible.
    assigneeIds:
      input.assigneeIds && input.assigneeIds.length > 0 ? input.assigneeIds : defaultAssignees(rc.store, projectId),
    actorId: input.createdBy ?? rc.user.id,
    ...(input.createdAt !== undefined ? { createdAt: input.createdAt } : {}),
    externalSource: input.externalSource ?? null,
    externalId: input.externalId ?? null,
  });
  return json(serializeWorkItem(rc.store, item, shapeOf(rc)), 201);
}

/** PATCH: omitted keys untouched; labels/assignees REPLACE the set (§3). */
export async function updateWorkItem(rc: RequestContext): Promise<ApiResult> {
  const item = workItemInPath(rc);
  const body = await readJsonBody(rc);
  const input = validateWorkItemInput(rc.store, item.projectId, body, "update");
  // §5: a changed external_id clashing with another item's pair → 409 carrying THIS item's id.
  if (input.externalId && input.externalId !== item.externalId) {
    const source = input.externalSource ?? item.externalSource;
    if (source) {
      const clash = rc.store
        .workItemsByExternalRef(item.projectId, source, input.externalId)
        .some((w) => w.id !== item.id);
      if (clash) throw PlaneError.conflict(DUPLICATE_EXTERNAL, item.id);
    }
  }
  const before: WorkItemRecord = { ...item, labelIds: [...item.labelIds], assigneeIds: [...item.assigneeIds] };
  const changes = toRowChanges(input);
  const now = rc.store.now();
  // Issue.save(): a null state falls back to the default state, and completed_at is
  // recomputed on EVERY save — a PATCH to a completed item refreshes it (Plane model quirk).
  if (changes.stateId === null) changes.stateId = rc.store.defaultState(item.projectId)?.id ?? null;
  const stateId = changes.stateId !== undefined ? changes.stateId : item.stateId;
  const group = stateId ? rc.store.getState(stateId)?.group : undefined;
  changes.completedAt = group === "completed" ? now : null;
  rc.store.updateWorkItem(item, { ...changes, updatedAt: now, updatedBy: rc.user.id });
  recordUpdateActivities(rc.store, before, item, rc.user.id, now);
  return json(serializeWorkItem(rc.store, item, shapeOf(rc)));
}

/** Soft delete → 204; only the creator or a project admin (§1). */
export function deleteWorkItem(rc: RequestContext): ApiResult {
  const item = workItemInPath(rc);
  const member = rc.store.activeMembership(item.projectId, rc.user.id);
  if (item.createdBy !== rc.user.id && member?.role !== ROLE_ADMIN)
    throw PlaneError.forbiddenError("Only admin or creator can delete the work item");
  const now = rc.store.now();
  rc.store.softDeleteWorkItem(item, now);
  rc.store.addActivity({
    id: rc.store.newId(),
    workItemId: item.id,
    projectId: item.projectId,
    verb: "deleted",
    field: null,
    oldValue: null,
    newValue: null,
    oldIdentifier: null,
    newIdentifier: null,
    comment: "deleted the work item",
    actorId: rc.user.id,
    commentId: null,
    createdAt: now,
  });
  return noContent();
}
