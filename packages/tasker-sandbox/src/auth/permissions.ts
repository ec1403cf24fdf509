import { PlaneError } from "../http/plane-error";
import { ROLE_MEMBER } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";

/**
 * Plane's permission classes (`app/permissions/project.py`, PLANE_API §1). They run before
 * any lookup, which is why an unknown project UUID is 403 on project-scoped routes.
 */
export type Permission =
  /** Any authenticated key (users/me). */
  | "authenticated"
  /** Active workspace member (projects, search). */
  | "workspace"
  /** Active project member, any role (work-item/state/activity reads). */
  | "project-read"
  /** Active project admin or member (work-item/state writes). */
  | "project-write"
  /** Any active project member, guests included, every method (comments). */
  | "project-any-member"
  /** Workspace admin or member, not guests (workspace member list). */
  | "workspace-member"
  /** Member of any project in the workspace (labels and member lists GET). */
  | "any-project"
  /** Active member of the project named by identifier in the path (identifier lookup). */
  | "project-by-identifier";

export interface PermissionSubject {
  store: SandboxStore;
  userId: string;
  slug: string;
  projectId?: string;
  projectIdentifier?: string;
}

export function checkPermission(permission: Permission, s: PermissionSubject): void {
  if (permission === "authenticated") return;
  const { store, userId } = s;
  if (s.slug !== store.workspace.slug || store.workspaceRole(userId) === undefined) throw PlaneError.permissionDenied();
  switch (permission) {
    case "workspace":
      return;
    case "workspace-member":
      if ((store.workspaceRole(userId) ?? 0) < ROLE_MEMBER) throw PlaneError.permissionDenied();
      return;
    case "any-project":
      if (store.activeProjectIdsOf(userId).length === 0) throw PlaneError.permissionDenied();
      return;
    case "project-read":
    case "project-any-member":
      if (!s.projectId || !store.activeMembership(s.projectId, userId)) throw PlaneError.permissionDenied();
      return;
    case "project-write": {
      const member = s.projectId ? store.activeMembership(s.projectId, userId) : undefined;
      if (!member || member.role < ROLE_MEMBER) throw PlaneError.permissionDenied();
      return;
    }
    case "project-by-identifier": {
      const project = s.projectIdentifier ? store.projectByIdentifier(s.projectIdentifier) : undefined;
      if (!project || !store.activeMembership(project.id, userId)) throw PlaneError.permissionDenied();
      return;
    }
  }
}
