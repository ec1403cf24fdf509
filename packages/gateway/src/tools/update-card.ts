import { TOOL_SPECS, wrapUntrusted } from "@nodedc/shared";
import { attributedHtml, htmlToMarkdown } from "../markdown/markdown";
import type { TaskerWorkItem, UpdateWorkItemInput } from "../tasker/types";
import { attributionOf } from "./attribution";
import { assertReferencesInProject, loadProjectMetaAndCard } from "./project-context";
import { presentCard, presentState } from "./presenters";
import { defineTool } from "./tool-definition";

/** Raw previous values as Tasker stores them: what a human needs to revert exactly. */
interface RawPrevious {
  name?: string;
  description_html?: string;
  state_id?: string | null;
  priority?: TaskerWorkItem["priority"];
  label_ids?: string[];
  assignee_ids?: string[];
}

export const updateCardTool = defineTool({
  spec: TOOL_SPECS.update_card,
  async handler(deps, ctx, args) {
    const write = ctx.write!;
    const { meta, item: current } = await loadProjectMetaAndCard(deps, ctx, args.project_id, args.card_id);
    ctx.touched.card_id = current.id;
    await assertReferencesInProject(deps, ctx, meta, args);

    // A retry after an ambiguous answer keeps the previous values of the FIRST attempt.
    const noted = write.progress.previous as RawPrevious | undefined;
    const previous: RawPrevious = noted ?? {};
    const patch: UpdateWorkItemInput = {};
    if (args.title !== undefined) {
      patch.name = args.title;
      if (!noted) previous.name = current.name;
    }
    if (args.description_markdown !== undefined) {
      patch.description_html = attributedHtml(args.description_markdown, attributionOf(ctx), "updated via");
      if (!noted) previous.description_html = current.description_html;
    }
    if (args.state_id !== undefined) {
      patch.state_id = args.state_id;
      if (!noted) previous.state_id = current.state_id;
    }
    if (args.priority !== undefined) {
      patch.priority = args.priority;
      if (!noted) previous.priority = current.priority;
    }
    if (args.label_ids !== undefined) {
      patch.label_ids = args.label_ids;
      if (!noted) previous.label_ids = current.label_ids;
    }
    if (args.assignee_ids !== undefined) {
      patch.assignee_ids = args.assignee_ids;
      if (!noted) previous.assignee_ids = current.assignee_ids;
    }

    await write.beginWrite(
      { card_id: current.id, fields: Object.keys(patch), previous, retry_of_earlier_attempt: write.attempts > 1 },
      { previous, card_id: current.id },
    );
    const updated = await deps.tasker.updateWorkItem(ctx.call, args.project_id, current.id, patch);

    const prevState = previous.state_id ? meta.states.get(previous.state_id) : undefined;
    const prevDescription = previous.description_html === undefined ? undefined : htmlToMarkdown(previous.description_html);
    return {
      card: presentCard(updated, meta, deps.settings.taskerWebUrl, deps.settings.workspaceSlug),
      previous: {
        ...(previous.name !== undefined ? { title: wrapUntrusted(previous.name) } : {}),
        ...(prevDescription !== undefined ? { description_markdown: prevDescription === "" ? null : wrapUntrusted(prevDescription) } : {}),
        ...("state_id" in previous ? { state: prevState ? presentState(prevState) : null } : {}),
        ...(previous.priority !== undefined ? { priority: previous.priority } : {}),
        ...(previous.label_ids !== undefined ? { label_ids: previous.label_ids } : {}),
        ...(previous.assignee_ids !== undefined ? { assignee_ids: previous.assignee_ids } : {}),
      },
    };
  },
});
