import { PlaneError } from "../http/plane-error";
import { paginateList, parsePageRequest } from "../pagination/paginate";
import { userLiteById, workspaceLite } from "../serializers/lite";
import { serializeProject } from "../serializers/project";
import { applyShape, type Expanders } from "../serializers/shape";
import type { ProjectRecord } from "../store/records";
import { json, shapeOf, type ApiResult, type RequestContext } from "./context";

function projectExpanders(rc: RequestContext): Expanders {
  const { store } = rc;
  return {
    workspace: () => workspaceLite(store),
    project_lead: (id) => userLiteById(store, id),
    default_assignee: (id) => userLiteById(store, id),
    created_by: (id) => userLiteById(store, id),
    updated_by: (id) => userLiteById(store, id),
  };
}

/** §1: a project is visible to its active members, or to anyone when it is public (network=2). */
function visibleTo(rc: RequestContext, project: ProjectRecord): boolean {
  return project.network === 2 || rc.store.activeMembership(project.id, rc.user.id) !== undefined;
}

export function listProjects(rc: RequestContext): ApiResult {
  const req = parsePageRequest(rc.query);
  const shape = shapeOf(rc);
  const expanders = projectExpanders(rc);
  const visible = rc.store.listProjects().filter((p) => visibleTo(rc, p));
  return json(paginateList(visible, req, (p) => applyShape(serializeProject(rc.store, p, rc.user.id), shape, expanders)));
}

/** Project detail: an unknown or invisible project is a DoesNotExist → 404, not 403 (§1). */
export function getProject(rc: RequestContext): ApiResult {
  const project = rc.store.getProject(rc.params.pid as string);
  if (!project || !visibleTo(rc, project)) throw PlaneError.doesNotExist();
  return json(applyShape(serializeProject(rc.store, project, rc.user.id), shapeOf(rc), projectExpanders(rc)));
}

