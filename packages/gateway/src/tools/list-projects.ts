import { listProjectsInput, listProjectsOutput, wrapUntrusted } from "@nodedc/shared";
import { READ_ANNOTATIONS, defineTool } from "./tool-definition";

export const listProjectsTool = defineTool({
  name: "list_projects",
  title: "List my projects",
  description:
    "Lists the Tasker projects you were granted, with their ids, identifiers (the prefix of card identifiers like DEMO-12), names and your scopes there. " +
    "Use the id as project_id in every other tool.",
  scope: "cards:read",
  annotations: READ_ANNOTATIONS,
  projectScoped: false,
  inputSchema: listProjectsInput,
  outputSchema: listProjectsOutput,
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
