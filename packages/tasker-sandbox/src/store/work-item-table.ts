import type { WorkItemRecord } from "./records";

/** Work items that Plane's `issue_objects` manager shows (PLANE_API §3: no archived, draft or deleted). */
export function isVisibleWorkItem(item: WorkItemRecord): boolean {
  return item.deletedAt === null && item.archivedAt === null && !item.isDraft;
}

function refKey(projectId: string, source: string, id: string): string {
  return `${projectId}\u0000${source}\u0000${id}`;
}

/**
 * Work-item rows plus the indexes that keep every API call O(page): visible rows per project
 * in created_at order, per-project sequence numbers, sort_order per state, external refs.
 */
export class WorkItemTable {
  private readonly rows = new Map<string, WorkItemRecord>();
  /** Visible work items per project, ascending by created_at. */
  private readonly visibleByProject = new Map<string, WorkItemRecord[]>();
  private readonly lastSequence = new Map<string, number>();
  /** `${projectId}:${sequenceId}` → row, for identifier lookups in O(1). */
  private readonly itemsBySequence = new Map<string, WorkItemRecord>();
  private readonly maxSortOrderByState = new Map<string, number>();
  private readonly itemsByRef = new Map<string, Set<string>>();

  clear(): void {
    this.rows.clear();
    this.visibleByProject.clear();
    this.lastSequence.clear();
    this.itemsBySequence.clear();
    this.maxSortOrderByState.clear();
    this.itemsByRef.clear();
  }

  addProject(projectId: string): void {
    this.visibleByProject.set(projectId, []);
    this.lastSequence.set(projectId, 0);
  }

  /** Next per-project sequence id; never reused, even after a delete (§3). */
  nextSequenceId(projectId: string): number {
    const next = (this.lastSequence.get(projectId) ?? 0) + 1;
    this.lastSequence.set(projectId, next);
    return next;
  }

  /** §3: 65535, or the highest sort_order in the same state + 10000. */
  nextSortOrder(stateId: string | null): number {
    const key = stateId ?? "";
    const max = this.maxSortOrderByState.get(key);
    return max === undefined ? 65535 : max + 10000;
  }

  insert(item: WorkItemRecord): WorkItemRecord {
    this.rows.set(item.id, item);
    this.itemsBySequence.set(`${item.projectId}:${item.sequenceId}`, item);
    this.noteSortOrder(item);
    if (item.externalId !== null && item.externalSource !== null) this.indexRef(item);
    if (isVisibleWorkItem(item)) this.addVisible(item);
    const last = this.lastSequence.get(item.projectId) ?? 0;
    if (item.sequenceId > last) this.lastSequence.set(item.projectId, item.sequenceId);
    return item;
  }

  /** Raw row, deleted/archived/draft included. */
  getRaw(id: string): WorkItemRecord | undefined {
    return this.rows.get(id);
  }

  /** What the API sees: visible rows only. */
  getVisible(id: string): WorkItemRecord | undefined {
    const item = this.rows.get(id);
    return item && isVisibleWorkItem(item) ? item : undefined;
  }

  /** Visible items of a project, ascending created_at. Do not mutate. */
  visibleOf(projectId: string): readonly WorkItemRecord[] {
    return this.visibleByProject.get(projectId) ?? [];
  }

  count(projectId?: string, opts: { includeDeleted?: boolean } = {}): number {
    if (opts.includeDeleted) {
      let n = 0;
      for (const item of this.rows.values()) if (projectId === undefined || item.projectId === projectId) n++;
      return n;
    }
    if (projectId !== undefined) return this.visibleOf(projectId).length;
    let n = 0;
    for (const list of this.visibleByProject.values()) n += list.length;
    return n;
  }

  /** Visible item by its per-project number (identifier lookup, §3). */
  bySequence(projectId: string, sequenceId: number): WorkItemRecord | undefined {
    const item = this.itemsBySequence.get(`${projectId}:${sequenceId}`);
    return item && isVisibleWorkItem(item) ? item : undefined;
  }

  /**
   * Non-deleted items with this external pair in the project; archived and draft ones count
   * for the 409 check (§5).
   */
  byExternalRef(projectId: string, source: string, externalId: string): WorkItemRecord[] {
    const ids = this.itemsByRef.get(refKey(projectId, source, externalId));
    if (!ids) return [];
    const out: WorkItemRecord[] = [];
    for (const id of ids) {
      const item = this.rows.get(id);
      if (item && item.deletedAt === null) out.push(item);
    }
    return out;
  }

  /** Apply changes to a row and keep the indexes right. */
  update(item: WorkItemRecord, changes: Partial<WorkItemRecord>): WorkItemRecord {
    const wasVisible = isVisibleWorkItem(item);
    if (item.externalId !== null && item.externalSource !== null) this.unindexRef(item);
    Object.assign(item, changes);
    if (item.externalId !== null && item.externalSource !== null) this.indexRef(item);
    this.noteSortOrder(item);
    const visible = isVisibleWorkItem(item);
    if (wasVisible && !visible) this.removeVisible(item);
    if (!wasVisible && visible) this.addVisible(item);
    return item;
  }


  private noteSortOrder(item: WorkItemRecord): void {
    const key = item.stateId ?? "";
    const max = this.maxSortOrderByState.get(key);
    if (max === undefined || item.sortOrder > max) this.maxSortOrderByState.set(key, item.sortOrder);
  }

  private indexRef(item: WorkItemRecord): void {
    const key = refKey(item.projectId, item.externalSource as string, item.externalId as string);
    const set = this.itemsByRef.get(key) ?? new Set<string>();
    set.add(item.id);
    this.itemsByRef.set(key, set);
  }

  private unindexRef(item: WorkItemRecord): void {
    const key = refKey(item.projectId, item.externalSource as string, item.externalId as string);
    this.itemsByRef.get(key)?.delete(item.id);
  }

  private addVisible(item: WorkItemRecord): void {
    const list = this.visibleByProject.get(item.projectId);
    if (!list) throw new Error(`unknown project ${item.projectId}`);
    // Usually appended; a created_at override lands in its sorted place.
    let i = list.length;
    while (i > 0 && (list[i - 1] as WorkItemRecord).createdAt > item.createdAt) i--;
    list.splice(i, 0, item);
  }

  private removeVisible(item: WorkItemRecord): void {
    const list = this.visibleByProject.get(item.projectId);
    if (!list) return;
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
  }
}
