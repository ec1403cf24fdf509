import { PlaneError } from "../http/plane-error";
import { paginateList, parsePageRequest } from "../pagination/paginate";
import { serializeComment } from "../serializers/comment";
import type { CommentAccess } from "../store/records";
import { createCommentRow } from "../work-items/create-comment";
import { charField, choiceField } from "../work-items/field-rules";
import { EMPTY_HTML, sanitizeHtml } from "../work-items/sanitize-html";
import { json, readJsonBody, shapeOf, type ApiResult, type RequestContext } from "./context";

const ACCESS: readonly CommentAccess[] = ["INTERNAL", "EXTERNAL"];

function workItemOf(rc: RequestContext) {
  const item = rc.store.getWorkItem(rc.params.id as string);
  if (!item || item.projectId !== rc.params.pid) throw PlaneError.doesNotExist();
  return item;
}

/** Comments list: paginated, `-created_at` (§3). */
export function listComments(rc: RequestContext): ApiResult {
  const item = workItemOf(rc);
  const req = parsePageRequest(rc.query);
  const shape = shapeOf(rc);
  const comments = rc.store.listComments(item.id).slice().reverse();
  return json(paginateList(comments, req, (c) => serializeComment(rc.store, c, shape)));
}

/**
 * Comment POST → 201. The external-ref 409 check runs BEFORE validation and is scoped to the
 * PROJECT, not the work item (§5).
 */
export async function createComment(rc: RequestContext): Promise<ApiResult> {
  const body = await readJsonBody(rc);
  const projectId = rc.params.pid as string;
  const { external_id: externalId, external_source: externalSource } = body;
  if (typeof externalId === "string" && externalId && typeof externalSource === "string" && externalSource) {
    const existing = rc.store.commentByExternalRef(projectId, externalSource, externalId);
    if (existing)
      throw PlaneError.conflict("Work item comment with the same external id and external source already exists", existing.id);
  }
  const item = workItemOf(rc);
  const errors: Record<string, unknown> = {};
  let html = EMPTY_HTML;
  if (Object.hasOwn(body, "comment_html")) {
    const r = charField(body.comment_html, { allowBlank: true });
    if (r.ok) html = sanitizeHtml(r.value as string);
    else errors.comment_html = r.errors;
  }
  let access: CommentAccess = "INTERNAL";
  if (Object.hasOwn(body, "access")) {
    const r = choiceField(body.access, ACCESS);
    if (r.ok) access = r.value;
    else errors.access = r.errors;
  }
  const refs: Record<string, string | null> = { external_id: null, external_source: null };
  for (const key of ["external_id", "external_source"] as const) {
    if (!Object.hasOwn(body, key)) continue;
    const r = charField(body[key], { maxLength: 255, allowNull: true, allowBlank: true });
    if (r.ok) refs[key] = r.value;
    else errors[key] = r.errors;
  }
  let actorId = rc.user.id;
  if (typeof body.created_by === "string" && rc.store.getUser(body.created_by)) actorId = body.created_by;
  if (Object.keys(errors).length > 0) throw new PlaneError(400, errors);
  const comment = createCommentRow(rc.store, {
    workItemId: item.id,
    projectId,
    commentHtml: html,
    access,
    actorId,
    externalSource: refs.external_source ?? null,
    externalId: refs.external_id ?? null,
  });
  return json(serializeComment(rc.store, comment, shapeOf(rc)), 201);
}
