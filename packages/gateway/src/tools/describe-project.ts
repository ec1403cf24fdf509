import { describeProjectInput, describeProjectOutput, wrapUntrusted } from "@nodedc/shared";
import { loadProjectMeta } from "./project-context";
import { presentLabel, presentMember, presentState } from "./presenters";
import { READ_ANNOTATIONS, defineTool } from "./tool-definition";

export const describeProjectTool = defineTool({
  name: "describe_project",
  title: "Describe a project",
  description:
    "One call for everything you need to write cards in a project: the project, its workflow states (ids, names, groups, which is default), " +
    "its labels and its members (user ids for assignee_ids). Call it before create_card or update_card to get valid state, label and assignee ids.",
  scope: "cards:read",
  annotations: READ_ANNOTATIONS,
  projectScoped: true,
  inputSchema: describeProjectInput,
  outputSchema: describeProjectOutput,
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
