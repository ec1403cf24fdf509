import type { SandboxStore } from "../store/sandbox-store";
import type { LabelRecord, ProjectRecord, StateRecord, UserRecord } from "../store/records";
import { isoTimestamp } from "../http/timestamps";

/** UserLite (PLANE_API §3 "Members"). */
export function userLite(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    first_name: user.first_name,
    last_name: user.last_name,
    email: user.email,
    avatar: user.avatar,
    avatar_url: user.avatar_url,
    display_name: user.display_name,
  };
}

export function userLiteById(store: SandboxStore, id: unknown): unknown {
  if (typeof id !== "string") return id;
  const user = store.getUser(id);
  return user ? userLite(user) : null;
}

export function stateLite(state: StateRecord): Record<string, unknown> {
  return { id: state.id, name: state.name, color: state.color, group: state.group };
}

export function projectLite(project: ProjectRecord): Record<string, unknown> {
  return {
    id: project.id,
    identifier: project.identifier,
    name: project.name,
    cover_image: null,
    cover_image_url: null,
    icon_prop: null,
    emoji: null,
    description: project.description,
  };
}

export function workspaceLite(store: SandboxStore): Record<string, unknown> {
  return { name: store.workspace.name, slug: store.workspace.slug, id: store.workspace.id };
}

export function serializeLabel(store: SandboxStore, label: LabelRecord): Record<string, unknown> {
  return {
    id: label.id,
    created_at: isoTimestamp(label.createdAt),
    updated_at: isoTimestamp(label.updatedAt),
    deleted_at: null,
    name: label.name,
    description: label.description,
    color: label.color,
    sort_order: label.sortOrder,
    external_source: label.externalSource,
    external_id: label.externalId,
    created_by: label.createdBy,
    updated_by: null,
    workspace: store.workspace.id,
    project: label.projectId,
    parent: label.parent,
  };
}

export function serializeState(store: SandboxStore, state: StateRecord): Record<string, unknown> {
  return {
    id: state.id,
    created_at: isoTimestamp(state.createdAt),
    updated_at: isoTimestamp(state.updatedAt),
    deleted_at: null,
    name: state.name,
    description: state.description,
    color: state.color,
    slug: state.slug,
    sequence: state.sequence,
    group: state.group,
    is_triage: state.isTriage,
    default: state.isDefault,
    external_source: state.externalSource,
    external_id: state.externalId,
    created_by: state.createdBy,
    updated_by: null,
    project: state.projectId,
    workspace: store.workspace.id,
  };
}
