/**
 * Project metadata reads — projects, states, labels, members — all behind the short cache
 * with single flight (DESIGN §8), and the owner's right in a project (owner-rights.ts),
 * computed from the cached project and workspace member lists.
 */

import { z } from "zod";
import type { AdapterCore } from "./adapter-core.js";
import type { Exchange } from "./connection.js";
import { isServiceKeyRejection, TaskerError } from "./errors.js";
import { assertUuid, type TaskerPath } from "./paths.js";
import { indexByEmail, normalizeEmail, ownerRightFrom, type ProjectMembership, type WorkspaceRoles } from "./owner-rights.js";
import { labelSchema, memberSchema, pageOrArraySchema, projectSchema, stateSchema, userMeSchema, workspaceMemberSchema } from "./plane-schemas.js";
import type { TaskerAdapter, TaskerLabel, TaskerMember, TaskerProject, TaskerState } from "./types.js";

/** Metadata lists are fetched whole; more than this many pages means something is wrong. */
const META_PER_PAGE = 100;
const META_MAX_PAGES = 20;

/** One cache entry per project: the public list and the index the right check reads. */
interface CachedMembers extends ProjectMembership {
  list: readonly TaskerMember[];
}

const ADMIN_ROLE = 20;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

async function fetchAllPages<S extends z.ZodTypeAny>(
  core: AdapterCore,
  x: Exchange,
  item: S,
  build: (page: { per_page: number; cursor?: string }) => TaskerPath,
  target: { target: string; projectScoped: boolean },
): Promise<z.output<S>[]> {
  const schema = pageOrArraySchema(item);
  const out: z.output<S>[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < META_MAX_PAGES; n++) {
    const res = await core.conn.get(build(cursor === undefined ? { per_page: META_PER_PAGE } : { per_page: META_PER_PAGE, cursor }), x);
    const page = core.decode(schema, res, x, target);
    out.push(...(page.items as z.output<S>[]));
    if (!page.next_cursor) return out;
    cursor = page.next_cursor;
  }
  throw new TaskerError("tasker_unavailable", `Tasker paginated ${target.target} beyond ${META_MAX_PAGES} pages; refusing to continue.`, {
    status: 0,
    retryable: false,
    details: { operation: x.operation, reason: "too_many_pages" },
  });
}

export function createProjectOperations(core: AdapterCore): Pick<
  TaskerAdapter,
  "listProjects" | "getProject" | "listStates" | "listLabels" | "listMembers" | "ownerRight" | "checkServiceUser"
> {
  const { cache, paths } = core;

  // Loaders take `background`: a refresh-ahead has no caller waiting, so its requests go
  // on their own exchange (not counted as the triggering call's, queued in the budget as
  // their own "agent" so a refresh never takes a caller's turn).
  const via = (x: Exchange, background: boolean): Exchange =>
    background ? { operation: x.operation, agentId: "gateway:metadata-refresh", requestId: x.requestId, attempts: 0 } : x;

  const loadMembers = (x: Exchange, projectId: string) => async (background: boolean): Promise<CachedMembers> => {
    const ex = via(x, background);
    const res = await core.conn.get(paths.members(projectId), ex);
    const page = core.decode(pageOrArraySchema(memberSchema), res, ex, { target: `project ${projectId}`, projectScoped: true });
    return {
      list: deepFreeze(page.items.map(({ facts: _facts, ...m }) => m)),
      byEmail: indexByEmail(page.items),
      activityReported: page.items.some((m) => m.facts.active !== null),
    };
  };
  // The member lists decide the owner's right: never served past the TTL (no keepOnError).
  const members = (x: Exchange, projectId: string): Promise<CachedMembers> => cache.get(`members:${projectId}`, loadMembers(x, projectId));

  // One list for the whole workspace, cached like project metadata. A 403 is an answer,
  // not an outage (the service user is not a workspace admin or member): it is cached too,
  // so that each call does not ask again, and it leaves writes unprovable.
  const loadWorkspaceRoles = (x: Exchange) => async (background: boolean): Promise<WorkspaceRoles> => {
    const ex = via(x, background);
    const res = await core.conn.get(paths.workspaceMembers(), ex);
    if (res.status === 403 && !isServiceKeyRejection(res.status, res.body)) return { readable: false };
    const items = core.decode(z.array(workspaceMemberSchema), res, ex, { target: "the workspace member list", projectScoped: false });
    return { readable: true, byEmail: indexByEmail(items) };
  };
  const workspaceRoles = (x: Exchange): Promise<WorkspaceRoles> => cache.get("workspace-members", loadWorkspaceRoles(x));

  const keep = { keepOnError: true };

  return {
    listProjects(ctx) {
      return core.run("listProjects", ctx, async (x) => {
        const list = await cache.get(
          "projects",
          async (background) => {
            const items = await fetchAllPages(core, via(x, background), projectSchema, (p) => paths.projects(p), {
              target: "the project list",
              projectScoped: false,
            });
            for (const p of items) cache.set(`project:${p.id}`, deepFreeze(p));
            return deepFreeze(items);
          },
          keep,
        );
        return [...list];
      });
    },

    getProject(ctx, projectId) {
      return core.run("getProject", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const load = async (background: boolean) => {
          const ex = via(x, background);
          const res = await core.conn.get(paths.project(id), ex);
          return deepFreeze(core.decode(projectSchema, res, ex, { target: `project ${id}`, projectScoped: true }));
        };
        // The project's own entry first: reading it starts its refresh-ahead when due (the
        // project list's copy is refreshed only when the list is asked for again).
        const own = cache.read<TaskerProject>(`project:${id}`, load, keep);
        if (own) return own;
        const listed = cache.peek<readonly TaskerProject[]>("projects")?.find((p) => p.id === id);
        if (listed) return listed;
        return cache.get(
          `project:${id}`,
          load,
          keep,
        );
      });
    },

    listStates(ctx, projectId) {
      return core.run("listStates", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const list = await cache.get(
          `states:${id}`,
          async (background) =>
            deepFreeze(
              (await fetchAllPages(core, via(x, background), stateSchema, (p) => paths.states(id, p), { target: `project ${id}`, projectScoped: true })).sort(
                (a: TaskerState, b: TaskerState) => a.sequence - b.sequence,
              ),
            ),
          keep,
        );
        return [...list];
      });
    },

    listLabels(ctx, projectId) {
      return core.run("listLabels", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const list = await cache.get(
          `labels:${id}`,
          async (background) =>
            deepFreeze(await fetchAllPages(core, via(x, background), labelSchema, (p) => paths.labels(id, p), { target: `project ${id}`, projectScoped: true })),
          keep,
        );
        return [...(list as readonly TaskerLabel[])];
      });
    },

    listMembers(ctx, projectId) {
      return core.run("listMembers", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        return [...(await members(x, id)).list];
      });
    },

    ownerRight(ctx, projectId, email) {
      return core.run("ownerRight", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const who = typeof email === "string" ? email : "";
        // Every call asks this: on a warm cache answer without waiting on two promises (and
        // start the refresh-ahead of either list when it is due).
        const cachedProject = cache.read(`members:${id}`, loadMembers(x, id));
        const cachedWorkspace = cache.read("workspace-members", loadWorkspaceRoles(x));
        if (cachedProject && cachedWorkspace) return ownerRightFrom(who, cachedProject, cachedWorkspace);
        const [project, workspace] = await Promise.all([members(x, id), workspaceRoles(x)]);
        return ownerRightFrom(who, project, workspace);
      });
    },

    checkServiceUser(ctx) {
      return core.run("checkServiceUser", ctx, async (x) => {
        const me = core.decode(userMeSchema, await core.conn.get(paths.me(), x), x, { target: "the service user", projectScoped: false });
        const roles = await workspaceRoles(x);
        if (!roles.readable) {
          return { user_id: me.id, email: me.email, workspace_role: null, problem: "the service user may not read the workspace member list (it is not a workspace admin or member)" };
        }
        const own = me.email ? roles.byEmail.get(normalizeEmail(me.email)) : undefined;
        const role = own?.role ?? null;
        const problem = role === ADMIN_ROLE ? null : role === null ? "the service user is not on the workspace member list" : `the service user's workspace role is ${role}, not admin (20)`;
        return { user_id: me.id, email: me.email, workspace_role: role, problem };
      });
    },
  };
}
