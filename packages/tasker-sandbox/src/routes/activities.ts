import { PlaneError } from "../http/plane-error";
import { paginateList, parsePageRequest } from "../pagination/paginate";
import { serializeActivity } from "../serializers/comment";
import { json, shapeOf, type ApiResult, type RequestContext } from "./context";

/** Fields Plane leaves out of the public activity list (§3). */
const HIDDEN_FIELDS = new Set(["comment", "vote", "reaction", "draft"]);

/** Activities: paginated, ascending created_at, comment/vote/reaction/draft rows left out (§3). */
export function listActivities(rc: RequestContext): ApiResult {
  const item = rc.store.getWorkItem(rc.params.id as string);
  if (!item || item.projectId !== rc.params.pid) throw PlaneError.doesNotExist();
  const req = parsePageRequest(rc.query);
  const shape = shapeOf(rc);
  const rows = rc.store.listActivities(item.id).filter((a) => a.field === null || !HIDDEN_FIELDS.has(a.field));
  return json(paginateList(rows, req, (a) => serializeActivity(rc.store, a, shape)));
}

/** Activity detail has its own 404 body (§3). */
export function getActivity(rc: RequestContext): ApiResult {
  const item = rc.store.getWorkItem(rc.params.id as string);
  if (!item || item.projectId !== rc.params.pid) throw PlaneError.doesNotExist();
  const row = rc.store
    .listActivities(item.id)
    .find((a) => a.id === rc.params.aid && (a.field === null || !HIDDEN_FIELDS.has(a.field)));
  if (!row) throw new PlaneError(404, { message: "Activity not found.", code: "NOT_FOUND" });
  return json(serializeActivity(rc.store, row, shapeOf(rc)));
}
