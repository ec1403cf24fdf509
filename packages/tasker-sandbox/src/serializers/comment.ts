import { isoTimestamp } from "../http/timestamps";
import type { ActivityRecord, CommentRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";
import { userLiteById, workspaceLite, projectLite } from "./lite";
import { applyShape, type Expanders, type Shape } from "./shape";

function expanders(store: SandboxStore): Expanders {
  return {
    actor: (id) => userLiteById(store, id),
    created_by: (id) => userLiteById(store, id),
    updated_by: (id) => userLiteById(store, id),
    workspace: () => workspaceLite(store),
    project: (id) => {
      const project = typeof id === "string" ? store.getProject(id) : undefined;
      return project ? projectLite(project) : null;
    },
  };
}

/** IssueCommentSerializer (§3 "Comment"); comment_json and comment_stripped are not output. */
export function serializeComment(store: SandboxStore, comment: CommentRecord, shape: Shape): Record<string, unknown> {
  const full: Record<string, unknown> = {
    id: comment.id,
    is_member: store.activeMembership(comment.projectId, comment.actorId) !== undefined,
    created_at: isoTimestamp(comment.createdAt),
    updated_at: isoTimestamp(comment.updatedAt),
    deleted_at: null,
    comment_html: comment.commentHtml,
    attachments: [],
    access: comment.access,
    external_source: comment.externalSource,
    external_id: comment.externalId,
    edited_at: comment.editedAt === null ? null : isoTimestamp(comment.editedAt),
    created_by: comment.createdBy,
    updated_by: comment.updatedBy,
    project: comment.projectId,
    workspace: store.workspace.id,
    issue: comment.workItemId,
    actor: comment.actorId,
    parent: null,
    description: null,
  };
  return applyShape(full, shape, expanders(store));
}

/** IssueActivitySerializer (§3 "Activity"). */
export function serializeActivity(store: SandboxStore, activity: ActivityRecord, shape: Shape): Record<string, unknown> {
  const full: Record<string, unknown> = {
    id: activity.id,
    created_at: isoTimestamp(activity.createdAt),
    updated_at: isoTimestamp(activity.createdAt),
    deleted_at: null,
    verb: activity.verb,
    field: activity.field,
    old_value: activity.oldValue,
    new_value: activity.newValue,
    comment: activity.comment,
    attachments: [],
    old_identifier: activity.oldIdentifier,
    new_identifier: activity.newIdentifier,
    epoch: Math.floor(activity.createdAt / 1000),
    project: activity.projectId,
    workspace: store.workspace.id,
    issue: activity.workItemId,
    issue_comment: activity.commentId,
    actor: activity.actorId,
    created_by: activity.actorId,
    updated_by: null,
  };
  return applyShape(full, shape, expanders(store));
}
