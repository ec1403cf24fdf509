import { userLite } from "../serializers/lite";
import { json, type ApiResult, type RequestContext } from "./context";

/**
 * Project members: a plain array of UserLite, not paginated, no role (§3). The view does not
 * narrow by the caller's projects, so any project's members are readable, and inactive
 * members are included (§1) — in plain Plane their `is_active` flag is not shown. With
 * `settings.forkMemberFields` the sandbox answers like the NODE.DC fork, which adds the
 * membership's `role` and `is_active`.
 */
export function listProjectMembers(rc: RequestContext): ApiResult {
  const out: Array<Record<string, unknown>> = [];
  const fork = rc.store.settings.forkMemberFields;
  for (const member of rc.store.listMembers(rc.params.pid as string)) {
    const user = rc.store.getUser(member.userId);
    if (user) out.push(fork ? { ...userLite(user), role: member.role, is_active: member.isActive } : userLite(user));
  }
  return json(out);
}

/**
 * Workspace members: the same UserLite plus `role` (§3), for active workspace admins and
 * members. Plane's view filters by workspace only, so removed and deactivated members are
 * listed too, with their last role and nothing that says they are inactive.
 */
export function listWorkspaceMembers(rc: RequestContext): ApiResult {
  const out: Array<Record<string, unknown>> = [];
  for (const member of rc.store.listWorkspaceMembers()) {
    const user = rc.store.getUser(member.userId);
    if (user) out.push({ ...userLite(user), role: member.role });
  }
  return json(out);
}
