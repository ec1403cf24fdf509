/**
 * The gateway's view of Tasker (a Plane fork, see ../shared/PLANE_API.md). Only these
 * operations exist: there is no delete, no archive and no generic request function
 * (DESIGN §9 rule 1). Shapes are normalised from Plane's; raw HTML stays HTML here and is
 * converted to markdown by the tools layer.
 */

export interface TaskerProject {
  id: string;
  identifier: string;
  name: string;
  description: string | null;
  default_state_id: string | null;
}

export type TaskerStateGroup = "backlog" | "unstarted" | "started" | "completed" | "cancelled";

export interface TaskerState {
  id: string;
  name: string;
  color: string;
  group: TaskerStateGroup;
  is_default: boolean;
  sequence: number;
}

export interface TaskerLabel {
  id: string;
  name: string;
  color: string;
  parent_id: string | null;
}

export interface TaskerMember {
  id: string;
  email: string | null;
  display_name: string;
  first_name: string;
  last_name: string;
}

/** Ordered: each level includes the ones before it. */
export const OWNER_RIGHT_LEVELS = ["none", "read", "comment", "write"] as const;
export type OwnerRightLevel = (typeof OWNER_RIGHT_LEVELS)[number];

/** Why the level is what it is (stable codes; they travel in error details). */
export type OwnerRightReason =
  /** Member or admin (role ≥ 15) with an active membership. */
  | "writer"
  /** Guest (role < 15) in the workspace or, where the project list shows roles, the project. */
  | "guest"
  /** Not in the project's member list at all. */
  | "not_project_member"
  /** The member list says this membership (project or workspace) is inactive. */
  | "membership_inactive"
  /** Listed in the project but not in the workspace member list. */
  | "not_workspace_member"
  /** The service user may not read the workspace member list, so no role is known. */
  | "workspace_roles_unreadable"
  /** The workspace member list carries no usable role for this user. */
  | "role_unknown";

export interface OwnerRight {
  level: OwnerRightLevel;
  reason: OwnerRightReason;
  /** What Tasker showed: null where the list carries no such field (plain Plane). */
  basis: {
    workspace_role: number | null;
    project_role: number | null;
    /** Whether the project member list reports activity (the NODE.DC fork) or not (plain Plane). */
    project_activity_reported: boolean;
  };
}

export interface ServiceUserCheck {
  user_id: string;
  email: string | null;
  /** null when the service user may not read the workspace member list, or is not on it. */
  workspace_role: number | null;
  /** Why owner rights cannot be fully checked, or null when the service user is a workspace admin. */
  problem: string | null;
}

export type TaskerPriority = "urgent" | "high" | "medium" | "low" | "none";

export interface TaskerWorkItem {
  id: string;
  project_id: string;
  sequence_id: number;
  name: string;
  description_html: string;
  state_id: string | null;
  priority: TaskerPriority;
  label_ids: string[];
  assignee_ids: string[];
  parent_id: string | null;
  external_source: string | null;
  external_id: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface TaskerComment {
  id: string;
  work_item_id: string;
  comment_html: string;
  actor_id: string | null;
  external_source: string | null;
  external_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface TaskerActivity {
  id: string;
  work_item_id: string;
  verb: string;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  comment: string | null;
  actor_id: string | null;
  created_at: string;
}

export interface TaskerSearchHit {
  id: string;
  name: string;
  sequence_id: number;
  project_id: string;
  project_identifier: string;
}

export interface TaskerPage<T> {
  items: T[];
  /** Plane cursor (`per_page:page:is_prev`) for the next page, or null at the end. */
  next_cursor: string | null;
  total_count: number;
}

export interface CreateWorkItemInput {
  name: string;
  description_html?: string;
  state_id?: string;
  priority?: TaskerPriority;
  label_ids?: string[];
  assignee_ids?: string[];
  parent_id?: string;
  /** Always `nodedc-agent-gateway` + the idempotency record id (DESIGN §8). */
  external_source: string;
  external_id: string;
}

export interface UpdateWorkItemInput {
  name?: string;
  description_html?: string;
  state_id?: string;
  priority?: TaskerPriority;
  label_ids?: string[];
  assignee_ids?: string[];
}

export interface CreateCommentInput {
  comment_html: string;
  external_source: string;
  external_id: string;
}

/**
 * Who the call is for: the budget is shared fairly between agents, so every call names
 * the agent it is made for.
 */
export interface CallContext {
  agent_id: string;
  request_id: string;
}

export interface TaskerAdapter {
  listProjects(ctx: CallContext): Promise<TaskerProject[]>;
  getProject(ctx: CallContext, projectId: string): Promise<TaskerProject>;
  listStates(ctx: CallContext, projectId: string): Promise<TaskerState[]>;
  listLabels(ctx: CallContext, projectId: string): Promise<TaskerLabel[]>;
  listMembers(ctx: CallContext, projectId: string): Promise<TaskerMember[]>;
  /**
   * What the user with this email may do in the project in Tasker right now, from the
   * project and workspace member lists (both cached for the metadata TTL): owner-rights.ts.
   */
  ownerRight(ctx: CallContext, projectId: string, email: string): Promise<OwnerRight>;
  /** The service user and its workspace role: checked at start (it must be a workspace admin). */
  checkServiceUser(ctx: CallContext): Promise<ServiceUserCheck>;
  searchWorkItems(ctx: CallContext, projectId: string, query: string, limit: number): Promise<TaskerSearchHit[]>;
  listWorkItems(ctx: CallContext, projectId: string, page: { per_page: number; cursor?: string }): Promise<TaskerPage<TaskerWorkItem>>;
  getWorkItem(ctx: CallContext, projectId: string, workItemId: string): Promise<TaskerWorkItem>;
  /** `PROJ-123` lookup; resolves to the item or throws not_found. */
  getWorkItemByIdentifier(ctx: CallContext, projectIdentifier: string, sequenceId: number): Promise<TaskerWorkItem>;
  /** Lookup by the external ref pair; null when nothing matches. */
  findWorkItemByExternalRef(ctx: CallContext, projectId: string, externalSource: string, externalId: string): Promise<TaskerWorkItem | null>;
  createWorkItem(ctx: CallContext, projectId: string, input: CreateWorkItemInput): Promise<{ item: TaskerWorkItem; existed: boolean }>;
  updateWorkItem(ctx: CallContext, projectId: string, workItemId: string, input: UpdateWorkItemInput): Promise<TaskerWorkItem>;
  listComments(ctx: CallContext, projectId: string, workItemId: string, page: { per_page: number; cursor?: string }): Promise<TaskerPage<TaskerComment>>;
  /** Finds our comment by external ref among the work item's comments; null when absent. */
  findCommentByExternalRef(ctx: CallContext, projectId: string, workItemId: string, externalSource: string, externalId: string): Promise<TaskerComment | null>;
  createComment(ctx: CallContext, projectId: string, workItemId: string, input: CreateCommentInput): Promise<{ comment: TaskerComment; existed: boolean }>;
  listActivities(ctx: CallContext, projectId: string, workItemId: string, page: { per_page: number; cursor?: string }): Promise<TaskerPage<TaskerActivity>>;
}

export const EXTERNAL_SOURCE = "nodedc-agent-gateway";
