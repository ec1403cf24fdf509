import type { Permission } from "../auth/permissions";
import { listActivities, getActivity } from "./activities";
import { createComment, listComments } from "./comments";
import type { EndpointHandler } from "./context";
import { createLabel, getLabel, listLabels } from "./labels";
import { listProjectMembers, listWorkspaceMembers } from "./members";
import { getProject, listProjects } from "./projects";
import { createState, getState, listStates } from "./states";
import { getMe } from "./users";
import { getWorkItemByIdentifier, searchWorkItems } from "./work-item-lookup";
import { createWorkItem, deleteWorkItem, getWorkItem, listWorkItems, updateWorkItem } from "./work-items";

export type HttpMethod = "GET" | "POST" | "PATCH" | "DELETE";

export interface Endpoint {
  permission: Permission;
  handler: EndpointHandler;
}

export interface RouteDef {
  /** Hono pattern; every Plane route ends in "/" (§2). */
  path: string;
  methods: Partial<Record<HttpMethod, Endpoint>>;
}

const W = "/api/v1/workspaces/:slug";

/** Path params that Django declares as `<uuid:...>`: a non-UUID is an unmatched URL (§4). */
export const UUID_PARAMS: readonly string[] = ["pid", "id", "sid", "lid", "aid"];

function workItemRoutes(prefix: "work-items" | "issues"): RouteDef[] {
  // Both prefixes route to the same views since v1.1.0 (§2).
  const item = `${W}/projects/:pid/${prefix}/:id`;
  return [
    // search before `:ident` so the literal wins.
    { path: `${W}/${prefix}/search/`, methods: { GET: { permission: "workspace", handler: searchWorkItems } } },
    { path: `${W}/${prefix}/:ident/`, methods: { GET: { permission: "project-by-identifier", handler: getWorkItemByIdentifier } } },
    {
      path: `${W}/projects/:pid/${prefix}/`,
      methods: {
        GET: { permission: "project-read", handler: listWorkItems },
        POST: { permission: "project-write", handler: createWorkItem },
      },
    },
    {
      path: `${item}/`,
      methods: {
        GET: { permission: "project-read", handler: getWorkItem },
        PATCH: { permission: "project-write", handler: updateWorkItem },
        DELETE: { permission: "project-write", handler: deleteWorkItem },
      },
    },
    {
      path: `${item}/comments/`,
      methods: {
        GET: { permission: "project-any-member", handler: listComments },
        POST: { permission: "project-any-member", handler: createComment },
      },
    },
    { path: `${item}/activities/`, methods: { GET: { permission: "project-read", handler: listActivities } } },
    { path: `${item}/activities/:aid/`, methods: { GET: { permission: "project-read", handler: getActivity } } },
  ];
}

export const ROUTES: readonly RouteDef[] = [
  { path: "/api/v1/users/me/", methods: { GET: { permission: "authenticated", handler: getMe } } },
  { path: `${W}/members/`, methods: { GET: { permission: "workspace-member", handler: listWorkspaceMembers } } },
  { path: `${W}/projects/`, methods: { GET: { permission: "workspace", handler: listProjects } } },
  // Project detail: workspace permission, then a 404 lookup (§1).
  { path: `${W}/projects/:pid/`, methods: { GET: { permission: "workspace", handler: getProject } } },
  {
    path: `${W}/projects/:pid/states/`,
    methods: {
      GET: { permission: "project-read", handler: listStates },
      POST: { permission: "project-write", handler: createState },
    },
  },
  { path: `${W}/projects/:pid/states/:sid/`, methods: { GET: { permission: "project-read", handler: getState } } },
  {
    path: `${W}/projects/:pid/labels/`,
    methods: {
      // §1: labels GET passes for anyone in some project; the list then narrows (empty 200).
      GET: { permission: "any-project", handler: listLabels },
      POST: { permission: "project-write", handler: createLabel },
    },
  },
  { path: `${W}/projects/:pid/labels/:lid/`, methods: { GET: { permission: "any-project", handler: getLabel } } },
  { path: `${W}/projects/:pid/members/`, methods: { GET: { permission: "any-project", handler: listProjectMembers } } },
  { path: `${W}/projects/:pid/project-members/`, methods: { GET: { permission: "any-project", handler: listProjectMembers } } },
  ...workItemRoutes("work-items"),
  ...workItemRoutes("issues"),
];

/**
 * The routes a given Plane version serves: self-hosted ≤ 1.0.x has only `/issues/`, so
 * `/work-items/` is an unmatched URL there (§2, plane#8542).
 */
export function routesFor(opts: { legacyIssuesOnly?: boolean } = {}): RouteDef[] {
  return opts.legacyIssuesOnly ? ROUTES.filter((r) => !r.path.includes("/work-items/")) : [...ROUTES];
}

/** APPEND_SLASH's "would the slashed URL resolve?" check over a route set. */
export function routeMatcher(routes: readonly RouteDef[]): (path: string) => boolean {
  const regexes = routes.map((r) => new RegExp(`^${r.path.replace(/:[a-z]+/g, "[^/]+")}$`));
  return (path) => regexes.some((re) => re.test(path));
}
