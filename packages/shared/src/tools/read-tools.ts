import { z } from "zod";
import { LIMITS } from "../limits";
import { uuidSchema, userIdSchema, cursorSchema } from "../api-common";
import { scopeSchema } from "../scopes";
import { storableText } from "../text";
import {
  cardActivityOut,
  cardOut,
  cardRefArg,
  commentOut,
  labelRefOut,
  personOut,
  projectIdArg,
  projectOut,
  sessionOut,
  stateGroupSchema,
  stateRefOut,
  timestampOut,
  untrustedText,
} from "./common";

const sinceArg = z.iso.datetime({ offset: true }).describe("Only things after this RFC 3339 time.");

// whoami ---------------------------------------------------------------------------------
export const whoamiInput = z.strictObject({});
export const toolGrantOut = z.object({
  project_id: uuidSchema,
  workspace_slug: z.string(),
  project_identifier: z.string().nullable(),
  project_name: untrustedText("Project name.").nullable(),
  scopes: z.array(scopeSchema),
  usable_scopes: z
    .array(scopeSchema)
    .nullable()
    .describe("The granted scopes your owner's own Tasker right in this project covers now (you never outrank your owner); null when Tasker could not say."),
  withheld_because: z.string().nullable().describe("Why some granted scopes are not usable now; null when all are."),
});
export const whoamiOutput = z.object({
  agent: z.object({ id: uuidSchema, display_name: z.string() }),
  owner: z.object({ user_id: userIdSchema, email: z.string().nullable() }),
  token: z.object({ id: uuidSchema, prefix: z.string(), last4: z.string(), expires_at: z.string().nullable() }),
  grants: z.array(toolGrantOut),
  limits: z.object({
    agent_calls_per_min: z.number().int(),
    owner_calls_per_min: z.number().int(),
    max_page_size: z.number().int(),
    max_markdown_chars: z.number().int(),
    max_body_bytes: z.number().int(),
  }),
});

// list_projects --------------------------------------------------------------------------
export const listProjectsInput = z.strictObject({});
export const listProjectsOutput = z.object({
  projects: z.array(
    z.object({
      id: uuidSchema,
      identifier: z.string().nullable(),
      name: untrustedText("Project name.").nullable(),
      workspace_slug: z.string(),
      scopes: z.array(scopeSchema),
    }),
  ),
});

// describe_project -----------------------------------------------------------------------
export const describeProjectInput = z.strictObject({ project_id: projectIdArg });
export const describeProjectOutput = z.object({
  project: projectOut,
  states: z.array(stateRefOut.extend({ is_default: z.boolean() })),
  labels: z.array(labelRefOut),
  members: z.array(personOut),
});

// search_cards ---------------------------------------------------------------------------
export const searchCardsInput = z.strictObject({
  project_id: projectIdArg,
  query: storableText().trim().min(1).max(200).optional().describe("Text to find in titles and descriptions (or a card number)."),
  state_id: uuidSchema.optional().describe("Only cards in this state (ids from describe_project)."),
  state_group: stateGroupSchema.optional().describe("Only cards whose state is in this group, e.g. started."),
  assignee_id: uuidSchema.optional().describe("Only cards assigned to this user (member ids from describe_project)."),
  label_id: uuidSchema.optional().describe("Only cards with this label (ids from describe_project)."),
  updated_since: sinceArg.optional(),
  limit: z.number().int().min(1).max(LIMITS.max_page_size).default(LIMITS.default_page_size).describe(`Page size, 1–${LIMITS.max_page_size}.`),
  cursor: cursorSchema.optional().describe("next_cursor of the previous page, with the same filters."),
});
export const searchCardsOutput = z.object({
  cards: z.array(cardOut),
  next_cursor: z.string().nullable().describe("Pass as cursor for more results; null at the end."),
  truncated: z.boolean().describe("True when the scan stopped at its page budget; call again with next_cursor to continue."),
  scanned: z.number().int().describe("Cards examined upstream by this call."),
});

// get_card -------------------------------------------------------------------------------
export const getCardInput = z.strictObject({
  project_id: projectIdArg,
  card: cardRefArg,
  comments_limit: z.number().int().min(0).max(50).default(10).describe("How many of the latest comments to include."),
  activity_limit: z.number().int().min(0).max(50).default(20).describe("How many of the latest activity entries to include."),
});
export const getCardOutput = z.object({
  card: cardOut,
  comments: z.array(commentOut).describe("Latest comments first."),
  activity: z.array(cardActivityOut).describe("Latest changes first."),
  sessions: z.array(sessionOut).describe("Latest session report of each agent working on this card."),
});

// get_recent_activity --------------------------------------------------------------------
export const getRecentActivityInput = z.strictObject({
  project_id: projectIdArg,
  since: sinceArg.optional(),
  limit: z.number().int().min(1).max(LIMITS.max_page_size).default(LIMITS.default_page_size),
});
export const activityEventOut = z.object({
  kind: z.enum(["agent_action", "card_activity"]),
  occurred_at: timestampOut,
  agent: z.object({ id: uuidSchema, display_name: untrustedText("Agent name.") }).nullable(),
  action: z.string().describe("agent_action: the audited action, e.g. tool.create_card; card_activity: verb.field."),
  tool: z.string().nullable(),
  outcome: z.enum(["allowed", "denied", "replayed", "failed"]).nullable(),
  card_id: uuidSchema.nullable(),
  activity: cardActivityOut.nullable().describe("card_activity: the Tasker change."),
});
export const getRecentActivityOutput = z.object({
  events: z.array(activityEventOut).describe("Newest first."),
});
