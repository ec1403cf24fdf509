import { PlaneError } from "../http/plane-error";
import { serializeWorkItem } from "../serializers/work-item";
import type { WorkItemRecord } from "../store/records";
import { json, shapeOf, type ApiResult, type RequestContext } from "./context";

/** `PROJ-123` as Django's `<str>-<str>` route splits it: the last hyphen separates the number. */
export function splitIdentifier(raw: string): { identifier: string; sequence: string } | null {
  const i = raw.lastIndexOf("-");
  if (i <= 0 || i === raw.length - 1) return null;
  return { identifier: raw.slice(0, i), sequence: raw.slice(i + 1) };
}

/**
 * `work-items/{PROJ}-{seq}/`: exact, case-sensitive identifier match (§3). The membership
 * check (by identifier) runs first, so an unknown identifier is 403 like any non-member;
 * a missing sequence in a member project is 404.
 */
export function getWorkItemByIdentifier(rc: RequestContext): ApiResult {
  const parts = splitIdentifier(rc.params.ident as string) as { identifier: string; sequence: string };
  const project = rc.store.projectByIdentifier(parts.identifier) as NonNullable<ReturnType<typeof rc.store.projectByIdentifier>>;
  if (!/^\d+$/.test(parts.sequence)) throw PlaneError.doesNotExist();
  const item = rc.store.workItemBySequence(project.id, Number.parseInt(parts.sequence, 10));
  if (!item) throw PlaneError.doesNotExist();
  return json(serializeWorkItem(rc.store, item, shapeOf(rc)));
}

/**
 * `work-items/search/?search=&limit=&project_id=&workspace_search=` (§3 "Search"): name
 * substring (case-insensitive), project identifier substring, or a whole integer in the query
 * equal to sequence_id; only projects the caller actively belongs to.
 */
export function searchWorkItems(rc: RequestContext): ApiResult {
  const query = (rc.query.search ?? "").trim();
  if (query === "") return json({ issues: [] });
  const limitRaw = Number.parseInt(rc.query.limit ?? "10", 10);
  const limit = Number.isFinite(limitRaw) && limitRaw > 0 ? limitRaw : 10;
  const workspaceSearch = (rc.query.workspace_search ?? "false").toLowerCase() === "true";
  let projectIds = rc.store.activeProjectIdsOf(rc.user.id);
  if (!workspaceSearch && rc.query.project_id) projectIds = projectIds.filter((id) => id === rc.query.project_id);
  const needle = query.toLowerCase();
  const numbers = new Set(
    query
      .split(/\s+/)
      .filter((t) => /^\d+$/.test(t))
      .map((t) => Number.parseInt(t, 10)),
  );
  // One queryset over all the caller's projects, model order (-created_at), then [:limit].
  const matches: Array<{ item: WorkItemRecord; identifier: string }> = [];
  for (const pid of projectIds) {
    const project = rc.store.getProject(pid);
    if (!project) continue;
    const projectMatches = project.identifier.toLowerCase().includes(needle);
    for (const item of rc.store.visibleWorkItems(pid)) {
      if (projectMatches || item.name.toLowerCase().includes(needle) || numbers.has(item.sequenceId))
        matches.push({ item, identifier: project.identifier });
    }
  }
  matches.sort((a, b) => b.item.createdAt - a.item.createdAt);
  const issues = matches.slice(0, limit).map(({ item, identifier }) => ({
    id: item.id,
    name: item.name,
    sequence_id: item.sequenceId,
    project__identifier: identifier,
    project_id: item.projectId,
    workspace__slug: rc.store.workspace.slug,
  }));
  return json({ issues });
}
