/**
 * Project metadata reads — projects, states, labels, members — all behind the short cache
 * with single flight (DESIGN §8), and the membership check used to revalidate grants.
 */

import type { z } from "zod";
import type { AdapterCore } from "./adapter-core.js";
import type { Exchange } from "./connection.js";
import { TaskerError } from "./errors.js";
import { assertUuid, type TaskerPath } from "./paths.js";
import { labelSchema, memberSchema, pageOrArraySchema, projectSchema, stateSchema } from "./plane-schemas.js";
import type { TaskerAdapter, TaskerLabel, TaskerMember, TaskerProject, TaskerState } from "./types.js";

/** Metadata lists are fetched whole; more than this many pages means something is wrong. */
const META_PER_PAGE = 100;
const META_MAX_PAGES = 20;

type CachedMember = TaskerMember & { active: boolean };

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

const publicMember = ({ active: _active, ...m }: CachedMember): TaskerMember => m;

export function createProjectOperations(core: AdapterCore): Pick<
  TaskerAdapter,
  "listProjects" | "getProject" | "listStates" | "listLabels" | "listMembers" | "isProjectMember"
> {
  const { cache, paths } = core;

  const members = (x: Exchange, projectId: string): Promise<readonly CachedMember[]> =>
    cache.get(`members:${projectId}`, async () => {
      const res = await core.conn.get(paths.members(projectId), x);
      const page = core.decode(pageOrArraySchema(memberSchema), res, x, { target: `project ${projectId}`, projectScoped: true });
      return deepFreeze(page.items);
    });

  return {
    listProjects(ctx) {
      return core.run("listProjects", ctx, async (x) => {
        const list = await cache.get("projects", async () => {
          const items = await fetchAllPages(core, x, projectSchema, (p) => paths.projects(p), {
            target: "the project list",
            projectScoped: false,
          });
          for (const p of items) cache.set(`project:${p.id}`, deepFreeze(p));
          return deepFreeze(items);
        });
        return [...list];
      });
    },

    getProject(ctx, projectId) {
      return core.run("getProject", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const listed = cache.peek<readonly TaskerProject[]>("projects")?.find((p) => p.id === id);
        if (listed) return listed;
        return cache.get(`project:${id}`, async () => {
          const res = await core.conn.get(paths.project(id), x);
          return deepFreeze(core.decode(projectSchema, res, x, { target: `project ${id}`, projectScoped: true }));
        });
      });
    },

    listStates(ctx, projectId) {
      return core.run("listStates", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const list = await cache.get(`states:${id}`, async () =>
          deepFreeze(
            (await fetchAllPages(core, x, stateSchema, (p) => paths.states(id, p), { target: `project ${id}`, projectScoped: true })).sort(
              (a: TaskerState, b: TaskerState) => a.sequence - b.sequence,
            ),
          ),
        );
        return [...list];
      });
    },

    listLabels(ctx, projectId) {
      return core.run("listLabels", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const list = await cache.get(`labels:${id}`, async () =>
          deepFreeze(await fetchAllPages(core, x, labelSchema, (p) => paths.labels(id, p), { target: `project ${id}`, projectScoped: true })),
        );
        return [...(list as readonly TaskerLabel[])];
      });
    },

    listMembers(ctx, projectId) {
      return core.run("listMembers", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        return (await members(x, id)).map(publicMember);
      });
    },

    isProjectMember(ctx, projectId, email) {
      return core.run("isProjectMember", ctx, async (x) => {
        const id = assertUuid("project", projectId);
        const wanted = typeof email === "string" ? email.trim().toLowerCase() : "";
        if (!wanted) return false;
        // Plane's list includes inactive members and carries no activity flag (PLANE_API §1,
        // §3); a flag is honoured when a Tasker fork sends one, otherwise presence counts.
        return (await members(x, id)).some((m) => m.active && m.email !== null && m.email.trim().toLowerCase() === wanted);
      });
    },
  };
}
