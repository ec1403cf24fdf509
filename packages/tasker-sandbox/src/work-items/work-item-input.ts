import { PlaneError } from "../http/plane-error";
import { PRIORITIES, ROLE_MEMBER, type Priority, type WorkItemRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";
import {
  charField,
  choiceField,
  dateField,
  dateTimeField,
  primaryKeyField,
  primaryKeyListField,
  type FieldResult,
  type PkResult,
} from "./field-rules";
import { sanitizeHtml } from "./sanitize-html";

/** Validated, narrowed work-item fields; a key is present only when the body carried it. */
export interface WorkItemInput {
  name?: string;
  descriptionHtml?: string;
  priority?: Priority;
  stateId?: string | null;
  parentId?: string | null;
  startDate?: string | null;
  targetDate?: string | null;
  labelIds?: string[];
  assigneeIds?: string[];
  externalSource?: string | null;
  externalId?: string | null;
  createdBy?: string;
  createdAt?: number;
}

type AnyResult<T> = FieldResult<T> | PkResult;

/**
 * IssueSerializer validation (PLANE_API §3): field errors first, then `validate()`'s
 * non-field checks, then the silent narrowing of labels and assignees. Unknown keys are
 * ignored. Throws PlaneError(400) on failure.
 */
export function validateWorkItemInput(
  store: SandboxStore,
  projectId: string,
  body: Record<string, unknown>,
  mode: "create" | "update",
): WorkItemInput {
  const out: WorkItemInput = {};
  const errors: Record<string, unknown> = {};
  let djangoError = false;
  const has = (key: string) => Object.hasOwn(body, key);
  const take = <T>(key: string, result: AnyResult<T>, assign: (v: T) => void) => {
    if (result.ok) assign(result.value as T);
    else if ("djangoValidationError" in result && result.djangoValidationError) djangoError = true;
    else errors[key] = result.errors;
  };

  if (has("name")) take("name", charField(body.name, { maxLength: 255 }), (v) => (out.name = v as string));
  else if (mode === "create") errors.name = ["This field is required."];
  if (has("description_html"))
    take("description_html", charField(body.description_html, { allowBlank: true }), (v) => {
      out.descriptionHtml = sanitizeHtml(v as string);
    });
  if (has("priority")) take("priority", choiceField(body.priority, PRIORITIES), (v) => (out.priority = v));
  if (has("state")) {
    if (body.state === null) out.stateId = null;
    else take("state", primaryKeyField(body.state, (id) => store.getState(id) !== undefined), (v) => (out.stateId = v));
  }
  if (has("parent")) {
    if (body.parent === null) out.parentId = null;
    else
      take(
        "parent",
        primaryKeyField(body.parent, (id) => {
          const row = store.getWorkItemRaw(id);
          return row !== undefined && row.deletedAt === null;
        }),
        (v) => (out.parentId = v),
      );
  }
  if (has("start_date")) take("start_date", dateField(body.start_date), (v) => (out.startDate = v));
  if (has("target_date")) take("target_date", dateField(body.target_date), (v) => (out.targetDate = v));
  if (has("labels"))
    take("labels", primaryKeyListField(body.labels, (id) => store.getLabel(id) !== undefined), (v) => (out.labelIds = v));
  if (has("assignees"))
    take(
      "assignees",
      primaryKeyListField(body.assignees, (id) => store.getUser(id) !== undefined),
      (v) => (out.assigneeIds = v),
    );
  if (has("external_source"))
    take(
      "external_source",
      charField(body.external_source, { maxLength: 255, allowNull: true, allowBlank: true }),
      (v) => (out.externalSource = v),
    );
  if (has("external_id"))
    take(
      "external_id",
      charField(body.external_id, { maxLength: 255, allowNull: true, allowBlank: true }),
      (v) => (out.externalId = v),
    );
  if (mode === "create" && has("created_by") && body.created_by !== null)
    take("created_by", primaryKeyField(body.created_by, (id) => store.getUser(id) !== undefined), (v) => (out.createdBy = v));
  if (mode === "create" && has("created_at") && body.created_at !== null)
    take("created_at", dateTimeField(body.created_at), (v) => (out.createdAt = v));

  // A non-UUID string in a pk field escapes DRF as a Django ValidationError (§4).
  if (djangoError) throw new PlaneError(400, { error: "Please provide valid detail" });
  if (Object.keys(errors).length > 0) throw new PlaneError(400, errors);

  // IssueSerializer.validate(), in Plane's order.
  if (out.startDate && out.targetDate && out.startDate > out.targetDate)
    throw PlaneError.nonField("Start date cannot exceed target date");
  if (out.assigneeIds && out.assigneeIds.length > 0) {
    // §3: silently narrowed to active members with role ≥ 15.
    out.assigneeIds = [...new Set(out.assigneeIds)].filter((uid) => {
      const m = store.activeMembership(projectId, uid);
      return m !== undefined && m.role >= ROLE_MEMBER;
    });
  }
  if (out.labelIds && out.labelIds.length > 0) {
    // §3: silently narrowed to the project's labels.
    out.labelIds = [...new Set(out.labelIds)].filter((lid) => store.getLabel(lid)?.projectId === projectId);
  }
  if (out.stateId && store.getState(out.stateId)?.projectId !== projectId)
    throw PlaneError.nonField("State is not valid please pass a valid state_id");
  if (out.parentId && store.getWorkItemRaw(out.parentId)?.projectId !== projectId)
    throw PlaneError.nonField("Parent is not valid issue_id please pass a valid issue_id");
  return out;
}

/** §3: with no assignees given, the project's default_assignee is used if eligible. */
export function defaultAssignees(store: SandboxStore, projectId: string): string[] {
  const project = store.getProject(projectId);
  const uid = project?.defaultAssignee;
  if (!uid) return [];
  const m = store.activeMembership(projectId, uid);
  return m && m.role >= ROLE_MEMBER ? [uid] : [];
}

/** The changes a validated PATCH makes to a row (only keys that were sent). */
export function toRowChanges(input: WorkItemInput): Partial<WorkItemRecord> {
  const changes: Partial<WorkItemRecord> = {};
  if (input.name !== undefined) changes.name = input.name;
  if (input.descriptionHtml !== undefined) changes.descriptionHtml = input.descriptionHtml;
  if (input.priority !== undefined) changes.priority = input.priority;
  if (input.stateId !== undefined) changes.stateId = input.stateId;
  if (input.parentId !== undefined) changes.parentId = input.parentId;
  if (input.startDate !== undefined) changes.startDate = input.startDate;
  if (input.targetDate !== undefined) changes.targetDate = input.targetDate;
  if (input.labelIds !== undefined) changes.labelIds = input.labelIds;
  if (input.assigneeIds !== undefined) changes.assigneeIds = input.assigneeIds;
  if (input.externalSource !== undefined) changes.externalSource = input.externalSource;
  if (input.externalId !== undefined) changes.externalId = input.externalId;
  return changes;
}
