import { TOOL_SPECS, truncateCodePoints } from "@nodedc/shared";
import { markdownToHtml } from "../markdown/markdown";
import { upsertSession, type SessionStatus } from "../sessions/session-store";
import { EXTERNAL_SOURCE, type TaskerComment } from "../tasker/types";
import { attributionOf } from "./attribution";
import { loadProjectMetaAndCard } from "./project-context";
import { presentComment } from "./presenters";
import { defineTool } from "./tool-definition";

const STATUS_LABEL: Record<SessionStatus, string> = {
  started: "▶️ Started",
  progress: "🔄 Progress",
  blocked: "⛔ Blocked — needs a human",
  completed: "✅ Completed",
};

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The clearly formatted Tasker comment of one session report (summary as plain text). */
export function sessionReportHtml(
  who: { agent_name: string; owner: string },
  report: { status: SessionStatus; summary: string; details_markdown?: string | undefined },
): string {
  const header =
    `<p><strong>Agent session: ${STATUS_LABEL[report.status]}</strong><br>` +
    `<em>agent “${escapeHtml(who.agent_name)}” on behalf of ${escapeHtml(who.owner)} (nodedc-tasker)</em></p>`;
  const summary = `<p>${escapeHtml(report.summary)}</p>`;
  const details = report.details_markdown?.trim() ? `\n<hr>\n${markdownToHtml(report.details_markdown)}` : "";
  return `${header}\n${summary}${details}`;
}

export const reportSessionTool = defineTool({
  spec: TOOL_SPECS.report_session,
  async handler(deps, ctx, args) {
    const write = ctx.write!;
    const { meta, item: card } = await loadProjectMetaAndCard(deps, ctx, args.project_id, args.card_id);
    ctx.touched.card_id = card.id;
    // Everything built from the input is built before the Tasker write: after it, only the
    // session row (its text already checked storable by the contract) can be written.
    const sessionRow = {
      agent_id: ctx.agent.agent.id,
      project_id: args.project_id,
      card_id: card.id,
      status: args.status,
      summary: args.summary,
      request_id: ctx.requestId,
    };
    const commentHtml = sessionReportHtml(attributionOf(ctx), args);
    let comment: TaskerComment | null = null;
    if (write.attempts > 1) {
      comment = await deps.tasker.findCommentByExternalRef(ctx.call, args.project_id, card.id, EXTERNAL_SOURCE, write.recordId);
    }
    if (!comment) {
      await write.beginWrite({ card_id: card.id, status: args.status, summary: truncateCodePoints(args.summary, 200), external_id: write.recordId });
      ({ comment } = await deps.tasker.createComment(ctx.call, args.project_id, card.id, {
        comment_html: commentHtml,
        external_source: EXTERNAL_SOURCE,
        external_id: write.recordId,
      }));
    }
    const session = await upsertSession(deps.sql, { ...sessionRow, comment_id: comment.id });
    return { comment: presentComment(comment, meta), session };
  },
});
