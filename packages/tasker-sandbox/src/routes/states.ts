import { PlaneError } from "../http/plane-error";
import { paginateList, parsePageRequest } from "../pagination/paginate";
import { serializeState } from "../serializers/lite";
import { applyShape } from "../serializers/shape";
import type { StateGroup, StateRecord } from "../store/records";
import { charField, choiceField } from "../work-items/field-rules";
import { json, readJsonBody, shapeOf, type ApiResult, type RequestContext } from "./context";

const GROUPS: readonly StateGroup[] = ["backlog", "unstarted", "started", "completed", "cancelled"];

/** States of a project, triage hidden, sorted by sequence (§3). */
export function listStates(rc: RequestContext): ApiResult {
  const req = parsePageRequest(rc.query);
  const shape = shapeOf(rc);
  const states = rc.store.listStates(rc.params.pid as string);
  return json(paginateList(states, req, (s) => applyShape(serializeState(rc.store, s), shape, {})));
}

export function getState(rc: RequestContext): ApiResult {
  const state = rc.store.getState(rc.params.sid as string);
  if (!state || state.projectId !== rc.params.pid || state.isTriage) throw PlaneError.doesNotExist();
  return json(applyShape(serializeState(rc.store, state), shapeOf(rc), {}));
}

/** §3: POST returns 200, not 201; a duplicate name → 409. */
export async function createState(rc: RequestContext): Promise<ApiResult> {
  const body = await readJsonBody(rc);
  const projectId = rc.params.pid as string;
  const errors: Record<string, unknown> = {};
  const name = charField(body.name, { maxLength: 255 });
  if (!Object.hasOwn(body, "name")) errors.name = ["This field is required."];
  else if (!name.ok) errors.name = name.errors;
  const color = charField(body.color, { maxLength: 255 });
  if (!Object.hasOwn(body, "color")) errors.color = ["This field is required."];
  else if (!color.ok) errors.color = color.errors;
  const group = Object.hasOwn(body, "group") ? choiceField(body.group, GROUPS) : null;
  if (group && !group.ok) errors.group = group.errors;
  if (Object.keys(errors).length > 0) throw PlaneError.validation(errors as Record<string, string[]>);
  const stateName = (name.ok ? name.value : "") as string;
  const existing = rc.store.listStates(projectId).find((s) => s.name === stateName);
  if (existing) throw PlaneError.conflict("State with the same name already exists in the project", existing.id);
  const now = rc.store.now();
  const states = rc.store.listStates(projectId);
  const state: StateRecord = {
    id: rc.store.newId(),
    projectId,
    name: stateName,
    description: typeof body.description === "string" ? body.description : "",
    color: (color.ok ? color.value : "") as string,
    slug: stateName.toLowerCase().replace(/\s+/g, "-"),
    sequence: (states.at(-1)?.sequence ?? 55000) + 15000,
    group: group && group.ok ? group.value : "backlog",
    isDefault: false,
    isTriage: false,
    externalSource: typeof body.external_source === "string" ? body.external_source : null,
    externalId: typeof body.external_id === "string" ? body.external_id : null,
    createdBy: rc.user.id,
    createdAt: now,
    updatedAt: now,
  };
  rc.store.addState(state);
  return json(serializeState(rc.store, state), 200);
}
