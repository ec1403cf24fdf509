/** Rows of the in-memory store. Field names follow Plane's models (PLANE_API §3). */

export type ProjectRole = 20 | 15 | 5;
export const ROLE_ADMIN = 20;
export const ROLE_MEMBER = 15;
export const ROLE_GUEST = 5;

export type StateGroup = "backlog" | "unstarted" | "started" | "completed" | "cancelled";
export type Priority = "urgent" | "high" | "medium" | "low" | "none";
export const PRIORITIES: readonly Priority[] = ["urgent", "high", "medium", "low", "none"];

export interface UserRecord {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  display_name: string;
  avatar: string;
  avatar_url: string | null;
  is_bot: boolean;
  is_active: boolean;
}

export interface ApiKeyRecord {
  /** A label for logs and tests; the key value itself is never logged. */
  label: string;
  token: string;
  userId: string;
  isActive: boolean;
  /** Unix ms, or null for "never expires". */
  expiredAt: number | null;
  isService: boolean;
  lastUsedAt: number | null;
}

export interface WorkspaceRecord {
  id: string;
  slug: string;
  name: string;
}

export interface ProjectRecord {
  id: string;
  name: string;
  identifier: string;
  description: string;
  network: 0 | 2;
  projectLead: string | null;
  defaultAssignee: string | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface MemberRecord {
  id: string;
  projectId: string;
  userId: string;
  role: ProjectRole;
  isActive: boolean;
  sortOrder: number;
  createdAt: number;
}

export interface StateRecord {
  id: string;
  projectId: string;
  name: string;
  description: string;
  color: string;
  slug: string;
  sequence: number;
  group: StateGroup;
  isDefault: boolean;
  isTriage: boolean;
  externalSource: string | null;
  externalId: string | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface LabelRecord {
  id: string;
  projectId: string;
  name: string;
  description: string;
  color: string;
  sortOrder: number;
  parent: string | null;
  externalSource: string | null;
  externalId: string | null;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface WorkItemRecord {
  id: string;
  projectId: string;
  name: string;
  descriptionHtml: string;
  priority: Priority;
  stateId: string | null;
  parentId: string | null;
  startDate: string | null;
  targetDate: string | null;
  sequenceId: number;
  sortOrder: number;
  completedAt: number | null;
  archivedAt: number | null;
  isDraft: boolean;
  externalSource: string | null;
  externalId: string | null;
  assigneeIds: string[];
  labelIds: string[];
  createdBy: string;
  updatedBy: string | null;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export type CommentAccess = "INTERNAL" | "EXTERNAL";

export interface CommentRecord {
  id: string;
  workItemId: string;
  projectId: string;
  commentHtml: string;
  access: CommentAccess;
  externalSource: string | null;
  externalId: string | null;
  actorId: string;
  createdBy: string;
  updatedBy: string | null;
  editedAt: number | null;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export interface ActivityRecord {
  id: string;
  workItemId: string;
  projectId: string;
  verb: "created" | "updated" | "deleted";
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  oldIdentifier: string | null;
  newIdentifier: string | null;
  comment: string;
  actorId: string;
  commentId: string | null;
  createdAt: number;
}
