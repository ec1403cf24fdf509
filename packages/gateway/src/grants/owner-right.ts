import type { Scope } from "@nodedc/shared";
import { HttpError } from "../http/http-error";
import { atLeast } from "../tasker/owner-rights";
import type { CallContext, OwnerRight, OwnerRightLevel, OwnerRightReason, TaskerAdapter } from "../tasker/types";

/**
 * An agent never holds a right its owner lacks in Tasker (DESIGN §6, §9 rule 10). Each scope
 * needs the owner's own right in the project: card writes a writing role, comments (and
 * session reports, which post one) an active membership, reads an active membership. The
 * check runs when a grant is created and on every project-scoped tool call; the adapter
 * answers from its member-list cache, so a call after Tasker changes sees the change within
 * the metadata cache's TTL.
 */
const REQUIRED: Record<Scope, OwnerRightLevel> = {
  "cards:read": "read",
  "comments:write": "comment",
  "sessions:report": "comment",
  "cards:write": "write",
};

export function requiredRight(scope: Scope): OwnerRightLevel {
  return REQUIRED[scope];
}

const WHY: Record<OwnerRightReason, string> = {
  writer: "is a member or admin there",
  guest: "is a guest there (Tasker lets guests read and comment, not change cards)",
  not_project_member: "is not a member of this Tasker project",
  membership_inactive: "has an inactive membership there (removed from the project or workspace, or the account was deactivated)",
  not_workspace_member: "is not a member of the Tasker workspace",
  workspace_roles_unreadable:
    "has a role the gateway cannot read: its Tasker service user may not list the workspace's members (it must be a workspace admin), so a writing role cannot be proven — an operator must fix this",
  role_unknown: "has no role on Tasker's workspace member list, so a writing role cannot be proven",
};

/** The right as it travels in error details and audit (no email, no names). */
export function describeRight(right: OwnerRight): Record<string, unknown> {
  return { level: right.level, reason: right.reason, ...right.basis };
}

/** The highest right any of `scopes` needs. */
function neededFor(scopes: readonly Scope[]): OwnerRightLevel {
  let need: OwnerRightLevel = "none";
  for (const s of scopes) if (!atLeast(need, REQUIRED[s])) need = REQUIRED[s];
  return need;
}

/** Scopes the owner cannot hold with this right. */
export function scopesBeyond(right: OwnerRight, scopes: readonly Scope[]): Scope[] {
  return scopes.filter((s) => !atLeast(right.level, REQUIRED[s]));
}

export interface UsableScopes {
  usable_scopes: Scope[] | null;
  withheld_because: string | null;
}

/**
 * What whoami shows per grant: the granted scopes the owner's right covers now, so an agent
 * learns before a refused call that a grant outranks its owner. A Tasker that cannot answer
 * gives null (unknown), not an error: whoami still answers who the agent is.
 */
export async function usableScopes(adapter: TaskerAdapter, ctx: CallContext, projectId: string, email: string | null, scopes: readonly Scope[]): Promise<UsableScopes> {
  let right: OwnerRight;
  try {
    right = await adapter.ownerRight(ctx, projectId, email ?? "");
  } catch {
    return { usable_scopes: null, withheld_because: "Tasker could not be asked for your owner's right in this project now; calls check it again" };
  }
  const beyond = scopesBeyond(right, scopes);
  return {
    usable_scopes: scopes.filter((s) => !beyond.includes(s)),
    withheld_because: beyond.length === 0 ? null : `your owner ${WHY[right.reason]}, so ${beyond.join(", ")} cannot be used here now although granted`,
  };
}

export interface RightCheck {
  right: OwnerRight;
  /** null when the owner holds every right asked for. */
  refusal: HttpError | null;
  /** What the audit event of a refusal records. */
  audit: Record<string, unknown>;
}

/**
 * At grant time: every scope of the grant must be one the owner could use in Tasker now.
 * The refusal names the scopes that are out of reach and why.
 */
export async function checkGrantScopes(adapter: TaskerAdapter, ctx: CallContext, projectId: string, email: string, scopes: readonly Scope[]): Promise<RightCheck> {
  const right = await adapter.ownerRight(ctx, projectId, email);
  const beyond = scopesBeyond(right, scopes);
  const audit = { reason: right.level === "none" ? "not_project_member" : "owner_right_insufficient", owner_right: describeRight(right), scopes_refused: beyond };
  if (beyond.length === 0) return { right, refusal: null, audit };
  const message =
    right.level === "none"
      ? `the owner ${WHY[right.reason]}, so the agent cannot be granted it`
      : `the owner ${WHY[right.reason]}, so the agent cannot be granted ${beyond.join(", ")}; grant only ${scopes.filter((s) => !beyond.includes(s)).join(", ") || "nothing"} here`;
  return {
    right,
    audit,
    refusal: new HttpError("forbidden", message, {
      reason: right.level === "none" ? "owner_not_member" : "owner_right_insufficient",
      required_right: neededFor(scopes),
      scopes_refused: beyond,
      owner_right: describeRight(right),
    }),
  };
}

/**
 * On a tool call: the tool's scope must still be within the owner's right. An owner with
 * no right left makes the grant unusable (`project_not_granted`); an owner whose right is
 * too low for this tool gets `forbidden` (other tools of the grant may still work).
 */
export async function checkToolRight(adapter: TaskerAdapter, ctx: CallContext, projectId: string, email: string | null, scope: Scope): Promise<RightCheck> {
  const right = await adapter.ownerRight(ctx, projectId, email ?? "");
  const need = REQUIRED[scope];
  const audit = { reason: right.level === "none" ? "owner_not_member" : "owner_right_insufficient", owner_right: describeRight(right) };
  if (atLeast(right.level, need)) return { right, refusal: null, audit };
  const details = { project_id: projectId, required_right: need, owner_right: describeRight(right) };
  if (right.level === "none") {
    return {
      right,
      audit,
      refusal: new HttpError(
        "project_not_granted",
        `your owner ${WHY[right.reason]}, so this grant cannot be used now; ask your owner`,
        { ...details, reason: "owner_not_member" },
      ),
    };
  }
  return {
    right,
    audit,
    refusal: new HttpError(
      "forbidden",
      `your owner ${WHY[right.reason]}, so you may not use ${scope} here although it is granted; reads${atLeast(right.level, "comment") ? " and comments" : ""} still work`,
      { ...details, reason: "owner_right_insufficient", scope },
    ),
  };
}
