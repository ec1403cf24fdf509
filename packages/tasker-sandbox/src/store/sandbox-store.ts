import { randomUUID } from "node:crypto";
import { MonotonicClock } from "../http/timestamps";
import { WorkItemTable } from "./work-item-table";
import {
  ROLE_MEMBER,
  type ActivityRecord,
  type ApiKeyRecord,
  type CommentRecord,
  type LabelRecord,
  type MemberRecord,
  type ProjectRecord,
  type ProjectRole,
  type StateRecord,
  type UserRecord,
  type WorkItemRecord,
  type WorkspaceRecord,
} from "./records";


/**
 * The sandbox's database: plain Maps, indexes kept by hand so every request is O(page).
 * Tests may read and change it directly (e.g. `setMemberActive`) — that is the point.
 */
export interface SandboxSettings {
  /**
   * Delay between the external-ref 409 check and the insert on work-item POST. Plane's check
   * is check-then-insert, not atomic (§5); a delay > 0 lets tests reproduce the race that
   * creates duplicates under concurrent POSTs. Default 0.
   */
  externalRefCheckDelayMs: number;
  /**
   * Emulate the NODE.DC fork's project member list, which adds the membership's `role` and
   * `is_active` to each UserLite. Off (plain Plane) by default.
   */
  forkMemberFields: boolean;
}

/** Plane's WorkspaceMember row: a removal or a user's deactivation only clears `isActive`. */
export interface WorkspaceMemberRecord {
  role: ProjectRole;
  isActive: boolean;
}

export class SandboxStore {
  readonly clock = new MonotonicClock();
  readonly settings: SandboxSettings = { externalRefCheckDelayMs: 0, forkMemberFields: false };
  readonly workspace: WorkspaceRecord = { id: "", slug: "", name: "" };
  private readonly users = new Map<string, UserRecord>();
  private readonly workspaceMembers = new Map<string, WorkspaceMemberRecord>();
  private readonly keysByToken = new Map<string, ApiKeyRecord>();
  private readonly projects = new Map<string, ProjectRecord>();
  /** Insertion order = the users' project sort order. */
  private readonly projectOrder: string[] = [];
  private readonly membersByProject = new Map<string, Map<string, MemberRecord>>();
  private readonly states = new Map<string, StateRecord>();
  private readonly labels = new Map<string, LabelRecord>();
  /** Work items and their indexes. */
  readonly workItems = new WorkItemTable();
  private readonly comments = new Map<string, CommentRecord>();
  private readonly commentsByItem = new Map<string, CommentRecord[]>();
  private readonly activitiesByItem = new Map<string, ActivityRecord[]>();

  clear(): void {
    this.users.clear();
    this.workspaceMembers.clear();
    this.keysByToken.clear();
    this.projects.clear();
    this.projectOrder.length = 0;
    this.membersByProject.clear();
    this.states.clear();
    this.labels.clear();
    this.workItems.clear();
    this.comments.clear();
    this.commentsByItem.clear();
    this.activitiesByItem.clear();
    this.clock.reset();
    this.settings.externalRefCheckDelayMs = 0;
    this.settings.forkMemberFields = false;
  }

  newId(): string {
    return randomUUID();
  }

  now(): number {
    return this.clock.next();
  }

  // ── workspace, users, keys ────────────────────────────────────────────────

  setWorkspace(workspace: WorkspaceRecord): void {
    Object.assign(this.workspace, workspace);
  }

  addUser(user: UserRecord): UserRecord {
    this.users.set(user.id, user);
    return user;
  }

  getUser(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  listUsers(): UserRecord[] {
    return [...this.users.values()];
  }

  userByEmail(email: string): UserRecord | undefined {
    const wanted = email.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === wanted) return user;
    return undefined;
  }

  /** Workspace membership (Plane's WorkspaceMember): needed for every workspace route. */
  addWorkspaceMember(userId: string, role: ProjectRole = ROLE_MEMBER, isActive = true): void {
    this.workspaceMembers.set(userId, { role, isActive });
  }

  /**
   * Plane soft-removes: the row stays (and stays listed), only inactive, and the user's
   * project memberships in the workspace become inactive with it.
   */
  removeWorkspaceMember(userId: string): void {
    const member = this.workspaceMembers.get(userId);
    if (member) member.isActive = false;
    for (const members of this.membersByProject.values()) {
      const row = members.get(userId);
      if (row) row.isActive = false;
    }
  }

  setWorkspaceRole(userId: string, role: ProjectRole): void {
    const member = this.workspaceMembers.get(userId);
    if (!member) throw new Error(`user ${userId} is not a workspace member`);
    member.role = role;
  }

  /** The role of an ACTIVE workspace membership (what Plane's permission classes check). */
  workspaceRole(userId: string): ProjectRole | undefined {
    const member = this.workspaceMembers.get(userId);
    return member?.isActive ? member.role : undefined;
  }

  /** Every workspace member row, inactive ones included, in insertion order. */
  listWorkspaceMembers(): Array<{ userId: string } & WorkspaceMemberRecord> {
    return [...this.workspaceMembers].map(([userId, m]) => ({ userId, ...m }));
  }

  /**
   * Plane's account deactivation (`UserEndpoint.deactivate`): every active project and
   * workspace membership becomes inactive, then `user.is_active = false`. The rows stay, so
   * both member lists still show the user; API-key authentication does not look at
   * `user.is_active`, so the key still authenticates and then fails every membership check.
   */
  deactivateUser(userId: string): void {
    const user = this.users.get(userId);
    if (!user) throw new Error(`unknown user ${userId}`);
    this.removeWorkspaceMember(userId);
    user.is_active = false;
  }

  addApiKey(key: ApiKeyRecord): ApiKeyRecord {
    this.keysByToken.set(key.token, key);
    return key;
  }

  findApiKey(token: string): ApiKeyRecord | undefined {
    return this.keysByToken.get(token);
  }

  removeApiKey(token: string): boolean {
    return this.keysByToken.delete(token);
  }

  // ── projects and members ──────────────────────────────────────────────────

  addProject(project: ProjectRecord): ProjectRecord {
    this.projects.set(project.id, project);
    this.projectOrder.push(project.id);
    this.membersByProject.set(project.id, new Map());
    this.workItems.addProject(project.id);
    return project;
  }

  getProject(id: string): ProjectRecord | undefined {
    return this.projects.get(id);
  }

  projectByIdentifier(identifier: string): ProjectRecord | undefined {
    for (const project of this.projects.values()) if (project.identifier === identifier) return project;
    return undefined;
  }

  listProjects(): ProjectRecord[] {
    return this.projectOrder.map((id) => this.projects.get(id)).filter((p): p is ProjectRecord => p !== undefined);
  }

  addMember(projectId: string, userId: string, role: ProjectRole = ROLE_MEMBER, isActive = true): MemberRecord {
    const members = this.membersByProject.get(projectId);
    if (!members) throw new Error(`unknown project ${projectId}`);
    const existing = members.get(userId);
    if (existing) {
      existing.role = role;
      existing.isActive = isActive;
      return existing;
    }
    const member: MemberRecord = {
      id: this.newId(),
      projectId,
      userId,
      role,
      isActive,
      sortOrder: 65535,
      createdAt: this.now(),
    };
    members.set(userId, member);
    return member;
  }

  setMemberActive(projectId: string, userId: string, isActive: boolean): void {
    const member = this.membersByProject.get(projectId)?.get(userId);
    if (!member) throw new Error(`user ${userId} is not a member of project ${projectId}`);
    member.isActive = isActive;
  }

  setMemberRole(projectId: string, userId: string, role: ProjectRole): void {
    const member = this.membersByProject.get(projectId)?.get(userId);
    if (!member) throw new Error(`user ${userId} is not a member of project ${projectId}`);
    member.role = role;
  }

  /** Membership row whether active or not. */
  membership(projectId: string, userId: string): MemberRecord | undefined {
    return this.membersByProject.get(projectId)?.get(userId);
  }

  activeMembership(projectId: string, userId: string): MemberRecord | undefined {
    const member = this.membership(projectId, userId);
    return member?.isActive ? member : undefined;
  }

  /** All member rows of a project, inactive ones included (as Plane's member list, §1). */
  listMembers(projectId: string): MemberRecord[] {
    return [...(this.membersByProject.get(projectId)?.values() ?? [])];
  }

  /** Projects where the user is an active member, in project order. */
  activeProjectIdsOf(userId: string): string[] {
    return this.projectOrder.filter((pid) => this.activeMembership(pid, userId) !== undefined);
  }

  // ── states and labels ─────────────────────────────────────────────────────

  addState(state: StateRecord): StateRecord {
    this.states.set(state.id, state);
    return state;
  }

  getState(id: string): StateRecord | undefined {
    return this.states.get(id);
  }

  /** Non-triage states of a project sorted by sequence (§3). */
  listStates(projectId: string): StateRecord[] {
    const out: StateRecord[] = [];
    for (const state of this.states.values()) if (state.projectId === projectId && !state.isTriage) out.push(state);
    return out.sort((a, b) => a.sequence - b.sequence || a.createdAt - b.createdAt);
  }

  defaultState(projectId: string): StateRecord | undefined {
    for (const state of this.states.values()) if (state.projectId === projectId && state.isDefault) return state;
    return undefined;
  }

  addLabel(label: LabelRecord): LabelRecord {
    this.labels.set(label.id, label);
    return label;
  }

  getLabel(id: string): LabelRecord | undefined {
    return this.labels.get(id);
  }

  /** Labels of the given projects, `-created_at` (§3). */
  listLabels(projectIds: ReadonlySet<string>): LabelRecord[] {
    const out: LabelRecord[] = [];
    for (const label of this.labels.values()) if (projectIds.has(label.projectId)) out.push(label);
    return out.sort((a, b) => b.createdAt - a.createdAt);
  }

  // ── work items ────────────────────────────────────────────────────────────

  // ── work items (delegated to WorkItemTable) ───────────────────────────────

  /** Next per-project sequence id; never reused, even after a delete (§3). */
  nextSequenceId(projectId: string): number {
    return this.workItems.nextSequenceId(projectId);
  }

  /** §3: 65535, or the highest sort_order in the same state + 10000. */
  nextSortOrder(stateId: string | null): number {
    return this.workItems.nextSortOrder(stateId);
  }

  insertWorkItem(item: WorkItemRecord): WorkItemRecord {
    return this.workItems.insert(item);
  }

  /** Raw row, deleted/archived/draft included. */
  getWorkItemRaw(id: string): WorkItemRecord | undefined {
    return this.workItems.getRaw(id);
  }

  /** What the API sees: visible rows only. */
  getWorkItem(id: string): WorkItemRecord | undefined {
    return this.workItems.getVisible(id);
  }

  /** Visible items of a project, ascending created_at. Do not mutate. */
  visibleWorkItems(projectId: string): readonly WorkItemRecord[] {
    return this.workItems.visibleOf(projectId);
  }

  countWorkItems(projectId?: string, opts: { includeDeleted?: boolean } = {}): number {
    return this.workItems.count(projectId, opts);
  }

  /** Visible item by its per-project number (identifier lookup, §3). */
  workItemBySequence(projectId: string, sequenceId: number): WorkItemRecord | undefined {
    return this.workItems.bySequence(projectId, sequenceId);
  }

  /** Non-deleted items with this external pair in the project; archived and draft count (§5). */
  workItemsByExternalRef(projectId: string, source: string, externalId: string): WorkItemRecord[] {
    return this.workItems.byExternalRef(projectId, source, externalId);
  }

  /** Apply changes to a row and keep the indexes right. */
  updateWorkItem(item: WorkItemRecord, changes: Partial<WorkItemRecord>): WorkItemRecord {
    return this.workItems.update(item, changes);
  }

  /** Archive a row: Plane's issue_objects manager then hides it from list, detail and lookup (§3). */
  archiveWorkItem(id: string, archived = true): WorkItemRecord {
    return this.workItems.update(this.requireWorkItem(id), { archivedAt: archived ? this.now() : null });
  }

  setWorkItemDraft(id: string, isDraft: boolean): WorkItemRecord {
    return this.workItems.update(this.requireWorkItem(id), { isDraft });
  }

  softDeleteWorkItem(item: WorkItemRecord, at: number): void {
    this.workItems.update(item, { deletedAt: at });
  }

  private requireWorkItem(id: string): WorkItemRecord {
    const item = this.workItems.getRaw(id);
    if (!item) throw new Error(`unknown work item ${id}`);
    return item;
  }

  // ── comments and activities ───────────────────────────────────────────────

  insertComment(comment: CommentRecord): CommentRecord {
    this.comments.set(comment.id, comment);
    const list = this.commentsByItem.get(comment.workItemId) ?? [];
    list.push(comment);
    this.commentsByItem.set(comment.workItemId, list);
    return comment;
  }

  /** Comments of a work item, ascending created_at, deleted ones excluded. */
  listComments(workItemId: string): CommentRecord[] {
    return (this.commentsByItem.get(workItemId) ?? []).filter((c) => c.deletedAt === null);
  }

  /** §5: the comment 409 check is scoped to the project, not the work item. */
  commentByExternalRef(projectId: string, source: string, externalId: string): CommentRecord | undefined {
    for (const comment of this.comments.values()) {
      if (
        comment.projectId === projectId &&
        comment.deletedAt === null &&
        comment.externalSource === source &&
        comment.externalId === externalId
      )
        return comment;
    }
    return undefined;
  }

  countComments(workItemId?: string): number {
    if (workItemId !== undefined) return this.listComments(workItemId).length;
    let n = 0;
    for (const c of this.comments.values()) if (c.deletedAt === null) n++;
    return n;
  }

  addActivity(activity: ActivityRecord): ActivityRecord {
    const list = this.activitiesByItem.get(activity.workItemId) ?? [];
    list.push(activity);
    this.activitiesByItem.set(activity.workItemId, list);
    return activity;
  }

  /** Every activity row of a work item, ascending created_at (comment rows included; routes filter). */
  listActivities(workItemId: string): readonly ActivityRecord[] {
    return this.activitiesByItem.get(workItemId) ?? [];
  }

}
