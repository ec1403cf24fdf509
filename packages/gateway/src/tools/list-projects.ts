import { TOOL_SPECS, wrapUntrusted } from "@nodedc/shared";
import { defineTool } from "./tool-definition";

export const listProjectsTool = defineTool({
  spec: TOOL_SPECS.list_projects,
  async handler(deps, ctx) {
    const grants = ctx.agent.grants;
    // Grants remember identifier and name from grant time; fill gaps from Tasker (one cached call).
    let fresh = new Map<string, { identifier: string; name: string }>();
    if (grants.some((g) => !g.project_identifier || !g.project_name)) {
      const projects = await deps.tasker.listProjects(ctx.call);
      fresh = new Map(projects.map((p) => [p.id, p]));
    }
    return {
      projects: grants.map((g) => ({
        id: g.project_id,
        identifier: g.project_identifier ?? fresh.get(g.project_id)?.identifier ?? null,
        name: wrapUntrusted(g.project_name ?? fresh.get(g.project_id)?.name ?? null),
        workspace_slug: g.workspace_slug,
        scopes: g.scopes,
      })),
    };
  },
});
