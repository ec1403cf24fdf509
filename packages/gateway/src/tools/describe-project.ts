import { TOOL_SPECS, wrapUntrusted } from "@nodedc/shared";
import { loadProjectMeta } from "./project-context";
import { presentLabel, presentMember, presentState } from "./presenters";
import { defineTool } from "./tool-definition";

export const describeProjectTool = defineTool({
  spec: TOOL_SPECS.describe_project,
  async handler(deps, ctx, args) {
    const meta = await loadProjectMeta(deps, ctx, args.project_id);
    const states = [...meta.states.values()].sort((a, b) => a.sequence - b.sequence);
    return {
      project: {
        id: meta.project.id,
        identifier: meta.project.identifier,
        name: wrapUntrusted(meta.project.name),
        description: meta.project.description ? wrapUntrusted(meta.project.description) : null,
      },
      states: states.map((s) => ({ ...presentState(s), is_default: s.is_default })),
      labels: [...meta.labels.values()].map(presentLabel),
      members: [...meta.members.values()].map(presentMember),
    };
  },
});
