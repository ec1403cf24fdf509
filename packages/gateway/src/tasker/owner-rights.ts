/**
 * The owner's own right in a Tasker project (DESIGN §6, §9 rule 10), derived from what the
 * public API shows: the project member list (presence; `role`/`is_active` where the NODE.DC
 * fork adds them) and the workspace member list (`role`). Pure: the adapter feeds it the
 * cached lists, so a call costs two Map lookups.
 *
 * Plane's rules it follows (PLANE_API §1): reads and comments need an active project
 * membership, guests included; work-item writes need project role member (15) or admin (20).
 * A project role never exceeds the workspace role, so a workspace guest is a guest in every
 * project. What plain Plane cannot show — a listed member whose membership is inactive, and
 * a workspace member made guest in one project — is documented in docs/THREAT_MODEL.md.
 */

import type { MembershipFacts } from "./plane-schemas.js";
import { OWNER_RIGHT_LEVELS, type OwnerRight, type OwnerRightLevel, type OwnerRightReason } from "./types.js";

export const WRITING_ROLE = 15;

/** The workspace member list as the service user sees it. */
export type WorkspaceRoles =
  | { readable: true; byEmail: ReadonlyMap<string, MembershipFacts> }
  /** Plane answered 403: the service user is not a workspace admin or member. */
  | { readable: false };

/** The project member list, indexed once per cache fill. */
export interface ProjectMembership {
  byEmail: ReadonlyMap<string, MembershipFacts>;
  /** Whether any entry carries an activity flag (the fork's list does, plain Plane's never). */
  activityReported: boolean;
}

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function atLeast(have: OwnerRightLevel, need: OwnerRightLevel): boolean {
  return OWNER_RIGHT_LEVELS.indexOf(have) >= OWNER_RIGHT_LEVELS.indexOf(need);
}

export function indexByEmail<T extends { email: string | null; facts: MembershipFacts }>(list: readonly T[]): Map<string, MembershipFacts> {
  const out = new Map<string, MembershipFacts>();
  for (const m of list) if (m.email) out.set(normalizeEmail(m.email), m.facts);
  return out;
}

export function ownerRightFrom(email: string, project: ProjectMembership, workspace: WorkspaceRoles): OwnerRight {
  const wanted = normalizeEmail(email);
  const inProject = wanted ? project.byEmail.get(wanted) : undefined;
  const inWorkspace = wanted && workspace.readable ? workspace.byEmail.get(wanted) : undefined;
  const basis = {
    workspace_role: inWorkspace?.role ?? null,
    project_role: inProject?.role ?? null,
    project_activity_reported: project.activityReported,
  };
  const right = (level: OwnerRightLevel, reason: OwnerRightReason): OwnerRight => ({ level, reason, basis });

  if (!inProject) return right("none", "not_project_member");
  if (inProject.active === false) return right("none", "membership_inactive");
  if (workspace.readable) {
    // Plane keeps removed workspace members listed, so absence means "never a member".
    if (!inWorkspace) return right("none", "not_workspace_member");
    if (inWorkspace.active === false) return right("none", "membership_inactive");
  }
  // An active project membership (as far as the lists show): reads and comments.
  if (!workspace.readable) return right("comment", "workspace_roles_unreadable");
  if (inWorkspace!.role === null) return right("comment", "role_unknown");
  if (inWorkspace!.role < WRITING_ROLE) return right("comment", "guest");
  if (inProject.role !== null && inProject.role < WRITING_ROLE) return right("comment", "guest");
  return right("write", "writer");
}
