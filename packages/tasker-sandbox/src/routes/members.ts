import { userLite } from "../serializers/lite";
import { json, type ApiResult, type RequestContext } from "./context";

/**
 * Project members: a plain array of UserLite, not paginated, no role (§3). The view does not
 * narrow by the caller's projects, so any project's members are readable, and inactive
 * members are included (§1) — their `is_active` flag is internal to the sandbox.
 */
export function listProjectMembers(rc: RequestContext): ApiResult {
  const out: Array<Record<string, unknown>> = [];
  for (const member of rc.store.listMembers(rc.params.pid as string)) {
    const user = rc.store.getUser(member.userId);
    if (user) out.push(userLite(user));
  }
  return json(out);
}

/** Workspace members: the same UserLite plus `role` (§3), for workspace admins and members. */
export function listWorkspaceMembers(rc: RequestContext): ApiResult {
  const out: Array<Record<string, unknown>> = [];
  for (const user of rc.store.listUsers()) {
    const role = rc.store.workspaceRole(user.id);
    if (role !== undefined) out.push({ ...userLite(user), role });
  }
  return json(out);
}
