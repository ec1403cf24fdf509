import { TOOL_SPECS } from "@nodedc/shared";
import { attributedHtml } from "../markdown/markdown";
import { EXTERNAL_SOURCE } from "../tasker/types";
import { attributionOf } from "./attribution";
import { loadProjectMetaAndCard } from "./project-context";
import { presentComment } from "./presenters";
import { defineTool } from "./tool-definition";

export const addCommentTool = defineTool({
  spec: TOOL_SPECS.add_comment,
  async handler(deps, ctx, args) {
    const write = ctx.write!;
    const { meta, item: card } = await loadProjectMetaAndCard(deps, ctx, args.project_id, args.card_id);
    ctx.touched.card_id = card.id;
    if (write.attempts > 1) {
      const existing = await deps.tasker.findCommentByExternalRef(ctx.call, args.project_id, card.id, EXTERNAL_SOURCE, write.recordId);
      if (existing) return { comment: presentComment(existing, meta) };
    }
    await write.beginWrite({ card_id: card.id, body_chars: args.body_markdown.length, external_id: write.recordId });
    const { comment } = await deps.tasker.createComment(ctx.call, args.project_id, card.id, {
      comment_html: attributedHtml(args.body_markdown, attributionOf(ctx)),
      external_source: EXTERNAL_SOURCE,
      external_id: write.recordId,
    });
    return { comment: presentComment(comment, meta) };
  },
});
