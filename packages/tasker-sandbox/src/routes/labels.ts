import { PlaneError } from "../http/plane-error";
import { paginateList, parsePageRequest } from "../pagination/paginate";
import { serializeLabel } from "../serializers/lite";
import { applyShape } from "../serializers/shape";
import type { LabelRecord } from "../store/records";
import { charField } from "../work-items/field-rules";
import { json, readJsonBody, shapeOf, type ApiResult, type RequestContext } from "./context";

/**
 * Labels GET: the queryset narrows to the caller's projects, so a non-member (or an unknown
 * project) gets an empty 200 page rather than 403 (§1). Sorted by -created_at (§3).
 */
export function listLabels(rc: RequestContext): ApiResult {
  const req = parsePageRequest(rc.query);
  const shape = shapeOf(rc);
  const projectId = rc.params.pid as string;
  const mine = rc.store.activeMembership(projectId, rc.user.id) ? new Set([projectId]) : new Set<string>();
  const labels = rc.store.listLabels(mine);
  return json(paginateList(labels, req, (l) => applyShape(serializeLabel(rc.store, l), shape, {})));
}

export function getLabel(rc: RequestContext): ApiResult {
  const label = rc.store.getLabel(rc.params.lid as string);
  if (!label || label.projectId !== rc.params.pid || !rc.store.activeMembership(label.projectId, rc.user.id))
    throw PlaneError.doesNotExist();
  return json(applyShape(serializeLabel(rc.store, label), shapeOf(rc), {}));
}

/** POST → 201; a duplicate name in the project → 409 with the existing id (§3). */
export async function createLabel(rc: RequestContext): Promise<ApiResult> {
  const body = await readJsonBody(rc);
  const projectId = rc.params.pid as string;
  const name = charField(body.name, { maxLength: 255 });
  if (!Object.hasOwn(body, "name")) throw PlaneError.validation({ name: ["This field is required."] });
  if (!name.ok) throw PlaneError.validation({ name: name.errors as string[] });
  const labelName = name.value as string;
  const existing = rc.store.listLabels(new Set([projectId])).find((l) => l.name === labelName);
  if (existing) throw PlaneError.conflict("Label with the same name already exists in the project", existing.id);
  const now = rc.store.now();
  const label: LabelRecord = {
    id: rc.store.newId(),
    projectId,
    name: labelName,
    description: typeof body.description === "string" ? body.description : "",
    color: typeof body.color === "string" ? body.color : "",
    sortOrder: 65535,
    parent: null,
    externalSource: typeof body.external_source === "string" ? body.external_source : null,
    externalId: typeof body.external_id === "string" ? body.external_id : null,
    createdBy: rc.user.id,
    createdAt: now,
    updatedAt: now,
  };
  rc.store.addLabel(label);
  return json(serializeLabel(rc.store, label), 201);
}
