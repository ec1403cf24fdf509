import { CARD_IDENTIFIER_PATTERN } from "@nodedc/shared";
import { HttpError } from "../http/http-error";
import type { TaskerAdapter, TaskerWorkItem } from "../tasker/types";
import { isTaskerError } from "../tasker/errors";
import type { ProjectMeta } from "./presenters";
import type { ToolCallContext, ToolDeps } from "./tool-definition";

/** Project, states, labels and members in parallel (the adapter caches them briefly). */
export async function loadProjectMeta(deps: ToolDeps, ctx: ToolCallContext, projectId: string): Promise<ProjectMeta> {
  const [project, states, labels, members] = await Promise.all([
    deps.tasker.getProject(ctx.call, projectId),
    deps.tasker.listStates(ctx.call, projectId),
    deps.tasker.listLabels(ctx.call, projectId),
    deps.tasker.listMembers(ctx.call, projectId),
  ]);
  return {
    project,
    states: new Map(states.map((s) => [s.id, s])),
    labels: new Map(labels.map((l) => [l.id, l])),
    members: new Map(members.map((m) => [m.id, m])),
  };
}

export function cardNotFound(ref: string): HttpError {
  return HttpError.notFound(`no card ${ref} in this project; find cards with search_cards (ids and identifiers of other projects are not visible here)`);
}

/**
 * `PROJ-123` → the UUID it last resolved to, per adapter (so per Tasker), bounded. Only a
 * hint to send a card's requests by UUID in the first round (get_card): every use is
 * checked against the item Tasker answers (project, sequence number, the project's current
 * identifier), and anything else falls back to the lookup by identifier. Plane never reuses
 * a sequence number (PLANE_API §3), so a hint can only go stale, never point elsewhere unseen.
 */
const resolvedIdentifiers = new WeakMap<TaskerAdapter, Map<string, string>>();
const MAX_REMEMBERED_IDENTIFIERS = 10_000;
const identifierKey = (projectId: string, ref: string) => `${projectId.toLowerCase()} ${ref.toUpperCase()}`;

function rememberIdentifier(deps: ToolDeps, projectId: string, ref: string, item: TaskerWorkItem): void {
  if (!CARD_IDENTIFIER_PATTERN.test(ref)) return;
  let known = resolvedIdentifiers.get(deps.tasker);
  if (!known) resolvedIdentifiers.set(deps.tasker, (known = new Map()));
  const key = identifierKey(projectId, ref);
  known.delete(key); // re-inserted last: the map drops its oldest entries first
  known.set(key, item.id);
  if (known.size > MAX_REMEMBERED_IDENTIFIERS) known.delete(known.keys().next().value!);
}

/** The UUID `ref` (a `PROJ-123`) resolved to before in this project, if any. */
export function rememberedCardId(deps: ToolDeps, projectId: string, ref: string): string | undefined {
  return resolvedIdentifiers.get(deps.tasker)?.get(identifierKey(projectId, ref));
}

export function forgetIdentifier(deps: ToolDeps, projectId: string, ref: string): void {
  resolvedIdentifiers.get(deps.tasker)?.delete(identifierKey(projectId, ref));
}

/** Whether `item`, fetched by a remembered UUID, is what the identifier `ref` names in this project now. */
export function identifierStillNames(meta: ProjectMeta, ref: string, item: TaskerWorkItem): boolean {
  const dash = ref.lastIndexOf("-");
  return (
    ref.slice(0, dash).toUpperCase() === meta.project.identifier.toUpperCase() &&
    item.project_id === meta.project.id &&
    item.sequence_id === Number(ref.slice(dash + 1))
  );
}

/** Starts Tasker's lookup of a card UUID or `PROJ-123`; whether it is of this project is checked by acceptCard. */
function lookupCard(deps: ToolDeps, ctx: ToolCallContext, projectId: string, ref: string): Promise<TaskerWorkItem> {
  if (!CARD_IDENTIFIER_PATTERN.test(ref)) return deps.tasker.getWorkItem(ctx.call, projectId, ref.toLowerCase());
  const dash = ref.lastIndexOf("-");
  return deps.tasker.getWorkItemByIdentifier(ctx.call, ref.slice(0, dash).toUpperCase(), Number(ref.slice(dash + 1)));
}

/**
 * The work item `ref` names, if it is OF THIS PROJECT. A card that exists in another
 * project answers exactly like a card that does not exist: nothing leaks. `lookup` is
 * awaited only for an identifier with this project's prefix.
 */
async function acceptCard(meta: ProjectMeta, ref: string, lookup: () => Promise<TaskerWorkItem>): Promise<TaskerWorkItem> {
  let item: TaskerWorkItem;
  try {
    if (CARD_IDENTIFIER_PATTERN.test(ref) && ref.slice(0, ref.lastIndexOf("-")).toUpperCase() !== meta.project.identifier.toUpperCase()) {
      throw cardNotFound(ref);
    }
    item = await lookup();
  } catch (error) {
    if (isTaskerError(error) && (error.code === "not_found" || error.code === "forbidden")) throw cardNotFound(ref);
    throw error;
  }
  if (item.project_id !== meta.project.id) throw cardNotFound(ref);
  return item;
}

/**
 * Resolves a card UUID or `PROJ-123` to a work item OF THIS PROJECT. A card that exists in
 * another project answers exactly like a card that does not exist: nothing leaks.
 */
export async function resolveCard(deps: ToolDeps, ctx: ToolCallContext, meta: ProjectMeta, ref: string): Promise<TaskerWorkItem> {
  const item = await acceptCard(meta, ref, () => lookupCard(deps, ctx, meta.project.id, ref));
  rememberIdentifier(deps, meta.project.id, ref, item);
  return item;
}

/**
 * loadProjectMeta and resolveCard in one Tasker round: the card's lookup goes out with the
 * metadata requests instead of after them. The answers, and which error wins, are those of
 * the two steps in sequence: the metadata's failure first, then the card's checks (an
 * identifier of another project is refused even though its lookup was sent).
 */
export async function loadProjectMetaAndCard(deps: ToolDeps, ctx: ToolCallContext, projectId: string, ref: string): Promise<{ meta: ProjectMeta; item: TaskerWorkItem }> {
  const pendingMeta = loadProjectMeta(deps, ctx, projectId);
  const pendingItem = lookupCard(deps, ctx, projectId, ref);
  pendingItem.catch(() => {}); // read (or deliberately ignored) only after the metadata
  const meta = await pendingMeta;
  const item = await acceptCard(meta, ref, () => pendingItem);
  rememberIdentifier(deps, meta.project.id, ref, item);
  return { meta, item };
}

/** resolveCard for a UUID: needs no project metadata, so it can run alongside loading it. */
export async function resolveCardById(deps: ToolDeps, ctx: ToolCallContext, projectId: string, ref: string): Promise<TaskerWorkItem> {
  let item: TaskerWorkItem;
  try {
    item = await deps.tasker.getWorkItem(ctx.call, projectId, ref.toLowerCase());
  } catch (error) {
    if (isTaskerError(error) && (error.code === "not_found" || error.code === "forbidden")) throw cardNotFound(ref);
    throw error;
  }
  if (item.project_id !== projectId) throw cardNotFound(ref);
  return item;
}

/**
 * Checks state, label, assignee and parent ids against the project before writing:
 * Plane silently drops labels and assignees of other projects, so the gateway refuses
 * them itself with a clear 422 tasker_rejected.
 */
export async function assertReferencesInProject(
  deps: ToolDeps,
  ctx: ToolCallContext,
  meta: ProjectMeta,
  refs: { state_id?: string | undefined; label_ids?: string[] | undefined; assignee_ids?: string[] | undefined; parent_id?: string | undefined },
): Promise<void> {
  const problems: { field: string; ids: string[]; hint: string }[] = [];
  if (refs.state_id && !meta.states.has(refs.state_id)) {
    problems.push({ field: "state_id", ids: [refs.state_id], hint: "use a state id from describe_project.states of this project" });
  }
  const badLabels = (refs.label_ids ?? []).filter((id) => !meta.labels.has(id));
  if (badLabels.length) problems.push({ field: "label_ids", ids: badLabels, hint: "use label ids from describe_project.labels of this project" });
  const badAssignees = (refs.assignee_ids ?? []).filter((id) => !meta.members.has(id));
  if (badAssignees.length) problems.push({ field: "assignee_ids", ids: badAssignees, hint: "use member ids from describe_project.members of this project" });
  if (refs.parent_id) {
    try {
      const parent = await deps.tasker.getWorkItem(ctx.call, meta.project.id, refs.parent_id);
      if (parent.project_id !== meta.project.id) throw new Error("other project");
    } catch (error) {
      if (isTaskerError(error) && error.code === "tasker_unavailable") throw error;
      problems.push({ field: "parent_id", ids: [refs.parent_id], hint: "the parent must be a card of this project" });
    }
  }
  if (problems.length) {
    const first = problems[0]!;
    throw new HttpError("tasker_rejected", `Tasker would reject ${first.field} ${first.ids.join(", ")}: ${first.hint}`, { problems });
  }
}
