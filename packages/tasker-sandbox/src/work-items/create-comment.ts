import type { CommentAccess, CommentRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";

export interface NewComment {
  id?: string;
  workItemId: string;
  projectId: string;
  commentHtml: string;
  access: CommentAccess;
  actorId: string;
  externalSource: string | null;
  externalId: string | null;
  createdAt?: number;
}

/**
 * Inserts a comment. Plane also writes a `field: "comment"` activity row, which the public
 * activities list then filters out (§3) — the sandbox keeps both halves of that behaviour.
 */
export function createCommentRow(store: SandboxStore, input: NewComment): CommentRecord {
  const now = input.createdAt ?? store.now();
  const comment: CommentRecord = {
    id: input.id ?? store.newId(),
    workItemId: input.workItemId,
    projectId: input.projectId,
    commentHtml: input.commentHtml,
    access: input.access,
    externalSource: input.externalSource,
    externalId: input.externalId,
    actorId: input.actorId,
    createdBy: input.actorId,
    updatedBy: null,
    editedAt: null,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  store.insertComment(comment);
  store.addActivity({
    id: store.newId(),
    workItemId: input.workItemId,
    projectId: input.projectId,
    verb: "created",
    field: "comment",
    oldValue: null,
    newValue: input.commentHtml,
    oldIdentifier: null,
    newIdentifier: comment.id,
    comment: "created a comment",
    actorId: input.actorId,
    commentId: comment.id,
    createdAt: now,
  });
  return comment;
}
