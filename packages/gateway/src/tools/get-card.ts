import { CARD_IDENTIFIER_PATTERN, TOOL_SPECS } from "@nodedc/shared";
import { listSessionsOfCard } from "../sessions/session-store";
import {
  forgetIdentifier,
  identifierStillNames,
  loadProjectMeta,
  loadProjectMetaAndCard,
  rememberedCardId,
  resolveCard,
  resolveCardById,
} from "./project-context";
import { presentActivity, presentCard, presentComment } from "./presenters";
import { defineTool } from "./tool-definition";

export const getCardTool = defineTool({
  spec: TOOL_SPECS.get_card,
  async handler(deps, ctx, args) {
    const details = (cardId: string) =>
      Promise.all([
        args.comments_limit > 0
          ? deps.tasker.listComments(ctx.call, args.project_id, cardId, { per_page: args.comments_limit })
          : Promise.resolve({ items: [] }),
        args.activity_limit > 0
          ? deps.tasker.listActivities(ctx.call, args.project_id, cardId, { per_page: 100 })
          : Promise.resolve({ items: [] }),
        listSessionsOfCard(deps.sql, args.project_id, cardId),
      ]);
    let meta, item, comments, activity, sessions;
    const remembered = CARD_IDENTIFIER_PATTERN.test(args.card) ? rememberedCardId(deps, args.project_id, args.card) : undefined;
    if (remembered) {
      // An identifier seen before: its UUID's requests go out at once with the metadata (one
      // round), and are used only if Tasker's item is still what the identifier names;
      // otherwise (or if that fetch failed) the lookup by identifier decides, as below.
      const pendingItem = deps.tasker.getWorkItem(ctx.call, args.project_id, remembered);
      const pendingDetails = details(remembered);
      pendingItem.catch(() => {});
      pendingDetails.catch(() => {});
      meta = await loadProjectMeta(deps, ctx, args.project_id);
      const fetched = await pendingItem.catch(() => null);
      if (fetched && identifierStillNames(meta, args.card, fetched)) {
        item = fetched;
        [comments, activity, sessions] = await pendingDetails;
      } else {
        forgetIdentifier(deps, args.project_id, args.card);
        item = await resolveCard(deps, ctx, meta, args.card);
        [comments, activity, sessions] = await details(item.id);
      }
    } else if (CARD_IDENTIFIER_PATTERN.test(args.card)) {
      // By identifier the UUID comes from the lookup: it goes out with the metadata (one
      // round), then comments and activity (a second).
      ({ meta, item } = await loadProjectMetaAndCard(deps, ctx, args.project_id, args.card));
      [comments, activity, sessions] = await details(item.id);
    } else {
      // By UUID everything goes out at once (one Tasker round). What came back is used only
      // once the card proved to be of this project; otherwise the card's 404 is the answer.
      const rest = Promise.all([loadProjectMeta(deps, ctx, args.project_id), details(args.card.toLowerCase())]);
      rest.catch(() => {});
      item = await resolveCardById(deps, ctx, args.project_id, args.card);
      [meta, [comments, activity, sessions]] = await rest;
    }
    ctx.touched.card_id = item.id;
    const byNewest = <T extends { created_at: string }>(a: T, b: T) => Date.parse(b.created_at) - Date.parse(a.created_at);
    return {
      card: presentCard(item, meta, deps.settings.taskerWebUrl, deps.settings.workspaceSlug),
      comments: [...comments.items].sort(byNewest).slice(0, args.comments_limit).map((c) => presentComment(c, meta)),
      activity: [...activity.items].sort(byNewest).slice(0, args.activity_limit).map((a) => presentActivity(a, meta)),
      sessions,
    };
  },
});
