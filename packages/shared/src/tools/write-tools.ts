import { z } from "zod";
import { uuidSchema } from "../api-common";
import { idempotencyKeySchema } from "../idempotency";
import { storableText } from "../text";
import {
  cardOut,
  cardRefArg,
  commentOut,
  idListArg,
  markdownArg,
  prioritySchema,
  projectIdArg,
  sessionOut,
  sessionStatusSchema,
  stateRefOut,
  titleArg,
  untrustedText,
} from "./common";

const stateIdArg = uuidSchema.describe("State id from describe_project.states (same project).");
const labelIdsArg = idListArg("Label ids from describe_project.labels (same project).");
const assigneeIdsArg = idListArg("Member ids from describe_project.members.");

// create_card ----------------------------------------------------------------------------
export const createCardInput = z.strictObject({
  project_id: projectIdArg,
  title: titleArg,
  description_markdown: markdownArg("Description in markdown; it is converted to sanitised HTML.").optional(),
  state_id: stateIdArg.optional().describe("State id from describe_project.states; default: the project's default state."),
  priority: prioritySchema.optional(),
  label_ids: labelIdsArg.optional(),
  assignee_ids: assigneeIdsArg.optional(),
  parent_id: uuidSchema.optional().describe("Parent card UUID in the same project."),
  idempotency_key: idempotencyKeySchema,
});
export const createCardOutput = z.object({ card: cardOut });

// update_card ----------------------------------------------------------------------------
export const updateCardInput = z
  .strictObject({
    project_id: projectIdArg,
    card_id: cardRefArg,
    title: titleArg.optional(),
    description_markdown: markdownArg("New description in markdown; replaces the old one.").optional(),
    state_id: stateIdArg.optional(),
    priority: prioritySchema.optional(),
    label_ids: labelIdsArg.optional().describe("Replaces the whole label set."),
    assignee_ids: assigneeIdsArg.optional().describe("Replaces the whole assignee set."),
    idempotency_key: idempotencyKeySchema,
  })
  .refine(
    (v) => ["title", "description_markdown", "state_id", "priority", "label_ids", "assignee_ids"].some((k) => k in v && v[k as keyof typeof v] !== undefined),
    { message: "give at least one field to change", path: [] },
  );
export const cardPreviousOut = z
  .object({
    title: untrustedText("Title before the change.").optional(),
    description_markdown: untrustedText("Description before the change.").nullable().optional(),
    state: stateRefOut.nullable().optional(),
    priority: prioritySchema.optional(),
    label_ids: z.array(uuidSchema).optional(),
    assignee_ids: z.array(uuidSchema).optional(),
  })
  .describe("Values of the changed fields before this update (also kept in the audit log for humans to revert).");
export const updateCardOutput = z.object({ card: cardOut, previous: cardPreviousOut });

// add_comment ----------------------------------------------------------------------------
export const addCommentInput = z.strictObject({
  project_id: projectIdArg,
  card_id: cardRefArg,
  body_markdown: markdownArg("Comment in markdown; it is attributed to you and your owner.").min(1),
  idempotency_key: idempotencyKeySchema,
});
export const addCommentOutput = z.object({ comment: commentOut });

// report_session -------------------------------------------------------------------------
export const reportSessionInput = z.strictObject({
  project_id: projectIdArg,
  card_id: cardRefArg,
  status: sessionStatusSchema.describe("started when you begin, progress for milestones, blocked when you need a human, completed when done."),
  summary: storableText().trim().min(1).max(500).describe("One or two sentences: what happened, what is next."),
  details_markdown: markdownArg("Optional details in markdown (steps, findings, links).").optional(),
  idempotency_key: idempotencyKeySchema,
});
export const reportSessionOutput = z.object({ comment: commentOut, session: sessionOut });
