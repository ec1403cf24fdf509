/**
 * Every Tasker URL the adapter can produce is built here, from validated, typed ids only —
 * never from free text. Free text (a search query) goes into the query string through
 * URLSearchParams. Every path ends in `/` (PLANE_API §1: Django answers a slash-less URL with
 * a 301 and a POST body is lost). The result is a branded type, so the HTTP layer cannot be
 * handed a path that did not come from one of these builders.
 */

import { isUuid } from "@nodedc/shared";
import { TaskerError } from "./errors.js";

declare const taskerPathBrand: unique symbol;
export type TaskerPath = string & { readonly [taskerPathBrand]: true };

/** `/work-items/` since Plane 1.1; `/issues/` (deprecated there) is all Plane ≤ 1.0 has (PLANE_API §2). */
export type WorkItemPrefix = "work-items" | "issues";

const IDENTIFIER_RE = /^[A-Z0-9]{1,12}$/;
const SLUG_RE = /^[a-z0-9][a-z0-9_-]{0,47}$/i;
const CURSOR_RE = /^\d{1,6}:-?\d{1,9}:[01]$/;

export { isUuid };

export function isProjectIdentifier(value: unknown): value is string {
  return typeof value === "string" && IDENTIFIER_RE.test(value);
}

export function isWorkspaceSlug(value: unknown): value is string {
  return typeof value === "string" && SLUG_RE.test(value);
}

/** An id the caller passed that cannot exist in Tasker: not_found without asking Tasker. */
function invalidId(kind: string, value: unknown): TaskerError {
  const shown = typeof value === "string" ? JSON.stringify(value.slice(0, 64)) : typeof value;
  return new TaskerError("not_found", `No ${kind} ${shown} in Tasker: it is not a valid ${kind} id.`, {
    status: 0,
    details: { reason: "invalid_id", kind },
  });
}

export function assertUuid(kind: string, value: unknown): string {
  if (!isUuid(value)) throw invalidId(kind, value);
  return value.toLowerCase();
}

export function assertIdentifier(value: unknown): string {
  if (!isProjectIdentifier(value)) throw invalidId("project identifier", value);
  return value;
}

export function assertSequenceId(value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) throw invalidId("work item number", value);
  return value;
}

/** Page size Plane accepts (1..1000, PLANE_API §3) and a well-formed cursor. */
export function assertPage(page: { per_page: number; cursor?: string | undefined }): { per_page: number; cursor?: string } {
  const { per_page: perPage, cursor } = page;
  if (!Number.isSafeInteger(perPage) || perPage < 1 || perPage > 1000) {
    throw new TaskerError("tasker_rejected", `per_page must be an integer from 1 to 1000, got ${String(perPage)}.`, {
      status: 0,
      details: { reason: "invalid_page", field: "per_page" },
    });
  }
  if (cursor !== undefined && !CURSOR_RE.test(cursor)) {
    throw new TaskerError("tasker_rejected", "cursor is not a Tasker cursor (expected per_page:page:is_prev).", {
      status: 0,
      details: { reason: "invalid_page", field: "cursor" },
    });
  }
  return cursor === undefined ? { per_page: perPage } : { per_page: perPage, cursor };
}

type Query = Record<string, string | number | boolean | undefined>;

function withQuery(path: string, query?: Query): TaskerPath {
  if (!query) return path as TaskerPath;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return (qs ? `${path}?${qs}` : path) as TaskerPath;
}

function pageQuery(page: { per_page: number; cursor?: string }): Query {
  // PLANE_API §3: the offset comes from the per_page *param*; send it with every cursor.
  return { per_page: page.per_page, cursor: page.cursor };
}

/**
 * Path builders for one workspace. `apiRoot` is the base URL's path prefix (usually empty)
 * followed by `/api/v1`.
 */
export function createPathBuilder(apiRoot: string, workspaceSlug: string) {
  if (!isWorkspaceSlug(workspaceSlug)) throw new TypeError(`Invalid Tasker workspace slug: ${JSON.stringify(workspaceSlug)}`);
  const ws = `${apiRoot}/workspaces/${encodeURIComponent(workspaceSlug)}`;
  const project = (projectId: string) => `${ws}/projects/${assertUuid("project", projectId)}`;
  const item = (prefix: WorkItemPrefix, projectId: string, workItemId: string) =>
    `${project(projectId)}/${prefix}/${assertUuid("work item", workItemId)}`;

  return {
    projects: (page: { per_page: number; cursor?: string }) => withQuery(`${ws}/projects/`, pageQuery(page)),
    project: (projectId: string) => withQuery(`${project(projectId)}/`),
    states: (projectId: string, page: { per_page: number; cursor?: string }) =>
      withQuery(`${project(projectId)}/states/`, pageQuery(page)),
    labels: (projectId: string, page: { per_page: number; cursor?: string }) =>
      withQuery(`${project(projectId)}/labels/`, pageQuery(page)),
    /** Plain array, not paginated (PLANE_API §3 Members). */
    members: (projectId: string) => withQuery(`${project(projectId)}/members/`),
    /** UserLite + role, plain array; readable by workspace admins and members only. */
    workspaceMembers: () => withQuery(`${ws}/members/`),
    /** The service user itself (UserLite). */
    me: () => withQuery(`${apiRoot}/users/me/`),
    workItems: (prefix: WorkItemPrefix, projectId: string, page?: { per_page: number; cursor?: string }) =>
      withQuery(`${project(projectId)}/${prefix}/`, page ? pageQuery(page) : undefined),
    /** Both params present → Plane answers one object or 404 (PLANE_API §3 Query params). */
    workItemByExternalRef: (prefix: WorkItemPrefix, projectId: string, externalSource: string, externalId: string) =>
      withQuery(`${project(projectId)}/${prefix}/`, { external_id: externalId, external_source: externalSource }),
    workItem: (prefix: WorkItemPrefix, projectId: string, workItemId: string) => withQuery(`${item(prefix, projectId, workItemId)}/`),
    workItemByIdentifier: (prefix: WorkItemPrefix, projectIdentifier: string, sequenceId: number) =>
      withQuery(`${ws}/${prefix}/${assertIdentifier(projectIdentifier)}-${assertSequenceId(sequenceId)}/`),
    search: (prefix: WorkItemPrefix, projectId: string, query: string, limit: number) =>
      withQuery(`${ws}/${prefix}/search/`, {
        search: query,
        limit,
        project_id: assertUuid("project", projectId),
        workspace_search: false,
      }),
    comments: (prefix: WorkItemPrefix, projectId: string, workItemId: string, page?: { per_page: number; cursor?: string }) =>
      withQuery(`${item(prefix, projectId, workItemId)}/comments/`, page ? pageQuery(page) : undefined),
    activities: (prefix: WorkItemPrefix, projectId: string, workItemId: string, page: { per_page: number; cursor?: string }) =>
      withQuery(`${item(prefix, projectId, workItemId)}/activities/`, pageQuery(page)),
  };
}

export type PathBuilder = ReturnType<typeof createPathBuilder>;

/**
 * Splits a configured base URL into the origin (what the connection pool dials) and the
 * API root path. Accepts `https://tasker.example.com`, `…/prefix` or `…/api/v1`.
 */
export function parseBaseUrl(baseUrl: string): { origin: string; apiRoot: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError(`Invalid Tasker base URL: ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError("Tasker base URL must be http(s)");
  if (url.username || url.password || url.search || url.hash) {
    throw new TypeError("Tasker base URL must not carry credentials, a query or a fragment");
  }
  let prefix = url.pathname.replace(/\/+$/, "");
  if (prefix.endsWith("/api/v1")) prefix = prefix.slice(0, -"/api/v1".length);
  return { origin: url.origin, apiRoot: `${prefix}/api/v1` };
}
