/** Way (1): direct HTTP to the sandbox with the raw Plane key, exactly as a Plane client would. */
import type { HttpOp } from "../lib/http.ts";
import { benchInputs, RUN_ID, type SandboxInfo } from "../lib/context.ts";
import type { WayOp } from "../lib/way.ts";

export function directOps(s: SandboxInfo): WayOp[] {
  const inp = benchInputs(s);
  const key = s.keys.service!;
  const headers = { "x-api-key": key, accept: "application/json" };
  const ws = `/api/v1/workspaces/${inp.slug}`;
  const http = (op: HttpOp) => ({ baseUrl: s.url, op });
  const ops: HttpOp[] = [
    { name: "get_card", method: "GET", path: `${ws}/projects/${inp.readProject.id}/work-items/${inp.readCard}/`, headers, write: false },
    {
      name: "search_cards",
      method: "GET",
      path: `${ws}/work-items/search/?search=${inp.searchQuery}&limit=${inp.searchLimit}&project_id=${inp.readProject.id}&workspace_search=false`,
      headers,
      write: false,
    },
    {
      name: "create_card",
      method: "POST",
      path: `${ws}/projects/${inp.writeProject.id}/work-items/`,
      headers,
      body: (i) => JSON.stringify({ name: `bench direct ${RUN_ID} ${i}`, description_html: "<p>Created by <strong>pnpm bench</strong>.</p>" }),
      write: true,
    },
    {
      name: "add_comment",
      method: "POST",
      path: `${ws}/projects/${inp.writeProject.id}/work-items/${inp.commentCard}/comments/`,
      headers,
      body: (i) => JSON.stringify({ comment_html: `<p>bench direct comment ${RUN_ID} ${i}</p>` }),
      write: true,
    },
  ];
  const via: Record<string, string> = {
    get_card: "GET work-items/{id}/",
    search_cards: "GET work-items/search/",
    create_card: "POST work-items/",
    add_comment: "POST work-items/{id}/comments/",
  };
  return ops.map((op) => ({ op: op.name as WayOp["op"], via: via[op.name]!, http: http(op) }));
}
