import type { ToolScope } from "../scopes";
import { TOOL_NAMES, type ToolName } from "../tool-names";

/**
 * Every fact about a tool that is not a schema, written once (DESIGN §4): the gateway's
 * registry, GET /tools, /agent-session, the CLI's offline list and the contract doc all
 * derive from here. Plain data without zod, so the CLI's offline list costs no schema
 * building at start.
 */
export interface ToolFacts {
  title: string;
  /** Written for a model: what it does, when to use it, where ids come from. */
  description: string;
  /** One line for the CLI's offline list (no gateway reached yet). */
  summary: string;
  scope: ToolScope;
  /** `write` tools change Tasker: they need an idempotency key and commit their audit event first. */
  access: "read" | "write";
  /** True when the arguments carry `project_id` that must be granted. */
  projectScoped: boolean;
}

/** MCP annotations follow from `access`: writes are idempotent (the key) and never destructive. */
export const READ_ANNOTATIONS = { readOnlyHint: true, openWorldHint: false } as const;
export const WRITE_ANNOTATIONS = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
export type ToolAnnotationHints = typeof READ_ANNOTATIONS | typeof WRITE_ANNOTATIONS;

export function annotationsOf(facts: Pick<ToolFacts, "access">): ToolAnnotationHints {
  return facts.access === "write" ? WRITE_ANNOTATIONS : READ_ANNOTATIONS;
}

export const TOOL_FACTS: Readonly<Record<ToolName, ToolFacts>> = {
  whoami: {
    title: "Who am I",
    description:
      "Shows which agent you are, the human owner you act for, the projects you may use with their scopes, and your rate limits. " +
      "Call it first when unsure what you may do; project ids from here work in every project tool.",
    summary: "Who this agent is: agent, owner, granted projects and scopes, limits.",
    scope: "any",
    access: "read",
    projectScoped: false,
  },
  list_projects: {
    title: "List my projects",
    description:
      "Lists the Tasker projects you were granted, with their ids, identifiers (the prefix of card identifiers like DEMO-12), names and your scopes there. " +
      "Use the id as project_id in every other tool.",
    summary: "Projects this agent may use, with ids and identifiers.",
    scope: "cards:read",
    access: "read",
    projectScoped: false,
  },
  describe_project: {
    title: "Describe a project",
    description:
      "One call for everything you need to write cards in a project: the project, its workflow states (ids, names, groups, which is default), " +
      "its labels and its members (user ids for assignee_ids). Call it before create_card or update_card to get valid state, label and assignee ids.",
    summary: "One project's states, labels and members (ids for other tools). Needs project_id.",
    scope: "cards:read",
    access: "read",
    projectScoped: true,
  },
  search_cards: {
    title: "Search cards",
    description:
      "Finds cards in a project by text (title, description or card number) and/or filters: state_id, state_group (e.g. started), assignee_id, label_id, updated_since. " +
      "Ids come from describe_project. Results are newest first, up to limit per page; pass next_cursor back (same filters) for more. " +
      "When truncated is true the scan hit its per-call budget before filling the page: call again with next_cursor.",
    summary: "Search cards in a project by text, state, assignee, label or update time. Needs project_id.",
    scope: "cards:read",
    access: "read",
    projectScoped: true,
  },
  get_card: {
    title: "Get a card",
    description:
      "Reads one card by UUID or identifier (e.g. DEMO-42): title, description as markdown, state, priority, labels, assignees, " +
      "the latest comments, recent activity and the latest session report of each agent. Use it before changing a card.",
    summary: "One card by UUID or identifier (PROJ-123) with comments and activity. Needs project_id and card.",
    scope: "cards:read",
    access: "read",
    projectScoped: true,
  },
  get_recent_activity: {
    title: "Recent activity in a project",
    description:
      "What happened lately in a project: the write actions of agents (from the gateway's audit log: who created, updated, commented or reported on which card, and the outcome) " +
      "merged with Tasker's change history of the most recently updated cards. Newest first. Use it to catch up before starting work or to avoid duplicating another agent.",
    summary: "Recent agent and card activity in a project. Needs project_id.",
    scope: "cards:read",
    access: "read",
    projectScoped: true,
  },
  create_card: {
    title: "Create a card",
    description:
      "Creates a card (work item) in a project. title is plain text; description_markdown is markdown (converted to sanitised HTML, with a visible line saying you created it on behalf of your owner). " +
      "state_id, label_ids and assignee_ids must come from describe_project of the same project; omit state_id for the default state. " +
      "Pass a fresh idempotency_key per intended card and reuse it only to retry the same call: a retry never creates a second card.",
    summary: "Create a card. Needs project_id, title and a unique idempotency_key.",
    scope: "cards:write",
    access: "write",
    projectScoped: true,
  },
  update_card: {
    title: "Update a card",
    description:
      "Changes fields of a card (by UUID or identifier like DEMO-42): title, description_markdown (replaces the description), state_id, priority, label_ids and assignee_ids (each replaces the whole set). " +
      "Only the fields you pass change; the previous values are returned and kept in the audit log so a human can revert. " +
      "Ids come from describe_project. Use a fresh idempotency_key per intended change.",
    summary: "Update a card's fields. Needs project_id, card_id and a unique idempotency_key.",
    scope: "cards:write",
    access: "write",
    projectScoped: true,
  },
  add_comment: {
    title: "Comment on a card",
    description:
      "Adds a markdown comment to a card (by UUID or identifier like DEMO-42). Tasker shows it with a line naming you and your owner. " +
      "For progress of your own work prefer report_session. Use a fresh idempotency_key per intended comment; a retry never posts it twice.",
    summary: "Comment on a card (markdown). Needs project_id, card_id, body_markdown and a unique idempotency_key.",
    scope: "comments:write",
    access: "write",
    projectScoped: true,
  },
  report_session: {
    title: "Report work session progress",
    description:
      "Reports your progress on a card to the humans watching it: status started (you begin), progress (a milestone), blocked (you need a human; say what you need) or completed (done; say what changed). " +
      "Posts a clearly formatted comment and records your latest status, which get_card shows as sessions[]. Use a fresh idempotency_key per report.",
    summary: "Report work progress on a card: started|progress|blocked|completed. Needs project_id, card_id, status, summary, idempotency_key.",
    scope: "sessions:report",
    access: "write",
    projectScoped: true,
  },
};

/** The tools that write to Tasker, in DESIGN §4 order. */
export const WRITE_TOOL_NAMES: readonly ToolName[] = TOOL_NAMES.filter((name) => TOOL_FACTS[name].access === "write");
