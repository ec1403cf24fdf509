import { wrapUntrusted } from "@nodedc/shared";
import type { z } from "zod";
import type { cardActivityOut, cardOut, commentOut, labelRefOut, personOut, stateRefOut } from "@nodedc/shared";
import { htmlToMarkdown } from "../markdown/markdown";
import {
  EXTERNAL_SOURCE,
  type TaskerActivity,
  type TaskerComment,
  type TaskerLabel,
  type TaskerMember,
  type TaskerProject,
  type TaskerState,
  type TaskerWorkItem,
} from "../tasker/types";

/**
 * Tasker objects → tool output shapes. Every free-text value passes through
 * `wrapUntrusted`; ids, enums and dates stay plain. Values that should be plain but come
 * from Tasker unchecked (colours, emails) are kept only when they have their expected form.
 */
export type CardOut = z.input<typeof cardOut>;
type StateOut = z.input<typeof stateRefOut>;
type LabelOut = z.input<typeof labelRefOut>;
type PersonOut = z.input<typeof personOut>;

const COLOR = /^#?[0-9A-Fa-f]{3,8}$/;
const EMAIL = /^[^\s<>"'`(),;:@\\]{1,128}@[A-Za-z0-9.-]{1,253}$/;

export function plainColor(value: string | null | undefined): string | null {
  return value && COLOR.test(value) ? value : null;
}
export function plainEmail(value: string | null | undefined): string | null {
  return value && EMAIL.test(value) ? value : null;
}
/** Plane's enum-like words (verbs, field names) stay plain only when they look like one. */
export function plainWord(value: string | null | undefined): string | null {
  return value && /^[a-z][a-z_]{0,39}$/.test(value) ? value : null;
}
export function utc(value: string): string {
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString();
}

export interface ProjectMeta {
  project: TaskerProject;
  states: Map<string, TaskerState>;
  labels: Map<string, TaskerLabel>;
  members: Map<string, TaskerMember>;
}

export function presentState(s: TaskerState): StateOut {
  return { id: s.id, name: wrapUntrusted(s.name), group: s.group, color: plainColor(s.color) };
}
export function presentLabel(l: TaskerLabel): LabelOut {
  return { id: l.id, name: wrapUntrusted(l.name), color: plainColor(l.color) };
}
export function memberName(m: TaskerMember): string {
  const full = `${m.first_name ?? ""} ${m.last_name ?? ""}`.trim();
  return m.display_name || full || m.email || m.id;
}
export function presentMember(m: TaskerMember): PersonOut {
  return { id: m.id, display_name: wrapUntrusted(memberName(m)), email: plainEmail(m.email) };
}
function presentPersonId(id: string | null, meta: ProjectMeta): PersonOut | null {
  if (!id) return null;
  const m = meta.members.get(id);
  return m ? presentMember(m) : { id, display_name: wrapUntrusted("(not a project member)"), email: null };
}

export function cardIdentifier(meta: ProjectMeta, item: TaskerWorkItem): string {
  return `${meta.project.identifier}-${item.sequence_id}`;
}

/** Where a human opens a card in Tasker's web app (TASKER_WEB_URL). */
export function cardWebUrl(webUrl: string, workspaceSlug: string, projectId: string, cardId: string): string {
  return `${webUrl.replace(/\/+$/, "")}/${workspaceSlug}/projects/${projectId}/issues/${cardId}`;
}

export function presentCard(item: TaskerWorkItem, meta: ProjectMeta, webUrl: string | null, workspaceSlug: string): CardOut {
  const state = item.state_id ? meta.states.get(item.state_id) : undefined;
  const description = htmlToMarkdown(item.description_html);
  return {
    id: item.id,
    identifier: cardIdentifier(meta, item),
    sequence_id: item.sequence_id,
    title: wrapUntrusted(item.name),
    description_markdown: description === "" ? null : wrapUntrusted(description),
    state: state ? presentState(state) : null,
    priority: item.priority,
    labels: item.label_ids.flatMap((id) => {
      const l = meta.labels.get(id);
      return l ? [presentLabel(l)] : [];
    }),
    assignees: item.assignee_ids.flatMap((id) => {
      const p = presentPersonId(id, meta);
      return p ? [p] : [];
    }),
    parent_id: item.parent_id,
    ...(webUrl ? { url: cardWebUrl(webUrl, workspaceSlug, item.project_id, item.id) } : {}),
    created_by_agent: item.external_source === EXTERNAL_SOURCE,
    created_at: utc(item.created_at),
    updated_at: utc(item.updated_at),
  };
}

export function presentComment(c: TaskerComment, meta: ProjectMeta): z.input<typeof commentOut> {
  return {
    id: c.id,
    card_id: c.work_item_id,
    body_markdown: wrapUntrusted(htmlToMarkdown(c.comment_html)),
    author: presentPersonId(c.actor_id, meta),
    via_agent: c.external_source === EXTERNAL_SOURCE,
    created_at: utc(c.created_at),
  };
}

export function presentActivity(a: TaskerActivity, meta: ProjectMeta): z.input<typeof cardActivityOut> {
  return {
    id: a.id,
    card_id: a.work_item_id,
    verb: plainWord(a.verb) ?? "other",
    field: plainWord(a.field),
    old_value: wrapUntrusted(a.old_value),
    new_value: wrapUntrusted(a.new_value),
    summary: wrapUntrusted(a.comment),
    actor: presentPersonId(a.actor_id, meta),
    created_at: utc(a.created_at),
  };
}
