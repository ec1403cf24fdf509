import { TOOL_SPECS, truncateCodePoints } from "@nodedc/shared";
import { attributedHtml } from "../markdown/markdown";
import { EXTERNAL_SOURCE, type TaskerWorkItem } from "../tasker/types";
import { attributionOf } from "./attribution";
import { assertReferencesInProject, loadProjectMeta } from "./project-context";
import { presentCard } from "./presenters";
import { defineTool } from "./tool-definition";

export const createCardTool = defineTool({
  spec: TOOL_SPECS.create_card,
  async handler(deps, ctx, args) {
    const write = ctx.write!;
    const meta = await loadProjectMeta(deps, ctx, args.project_id);
    const present = (item: TaskerWorkItem) => {
      ctx.touched.card_id = item.id;
      return { card: presentCard(item, meta, deps.settings.taskerWebUrl, deps.settings.workspaceSlug) };
    };
    if (write.attempts > 1) {
      // An earlier attempt may have created the card before its answer was lost.
      const existing = await deps.tasker.findWorkItemByExternalRef(ctx.call, args.project_id, EXTERNAL_SOURCE, write.recordId);
      if (existing) return present(existing);
    }
    await assertReferencesInProject(deps, ctx, meta, args);
    await write.beginWrite({
      title: truncateCodePoints(args.title, 120),
      description_chars: args.description_markdown?.length ?? 0,
      state_id: args.state_id ?? null,
      priority: args.priority ?? null,
      label_ids: args.label_ids ?? [],
      assignee_ids: args.assignee_ids ?? [],
      parent_id: args.parent_id ?? null,
      external_id: write.recordId,
    });
    const { item } = await deps.tasker.createWorkItem(ctx.call, args.project_id, {
      name: args.title,
      description_html: attributedHtml(args.description_markdown ?? "", attributionOf(ctx), "created via"),
      ...(args.state_id ? { state_id: args.state_id } : {}),
      ...(args.priority ? { priority: args.priority } : {}),
      ...(args.label_ids ? { label_ids: args.label_ids } : {}),
      ...(args.assignee_ids ? { assignee_ids: args.assignee_ids } : {}),
      ...(args.parent_id ? { parent_id: args.parent_id } : {}),
      external_source: EXTERNAL_SOURCE,
      external_id: write.recordId,
    });
    return present(item);
  },
});
