/**
 * zod schemas for the Plane shapes the adapter reads (PLANE_API §3), and their
 * normalisation to the adapter's types. Lenient on extra fields (Plane outputs every column,
 * and a fork may add more); strict on the fields we use: a wrong type there means Tasker is
 * not the API we were written for, which the adapter reports as tasker_unavailable.
 */

import { z } from "zod";
import type {
  TaskerActivity,
  TaskerComment,
  TaskerLabel,
  TaskerMember,
  TaskerPage,
  TaskerProject,
  TaskerSearchHit,
  TaskerState,
  TaskerWorkItem,
} from "./types.js";

const id = z.string().min(1).max(64);
const nullableId = id.nullish().transform((v) => v ?? null);
const nullableText = z.string().nullish().transform((v) => v ?? null);
const text = z.string().nullish().transform((v) => v ?? "");
const timestamp = z.string().min(1);

export const projectSchema = z
  .object({
    id,
    identifier: z.string().min(1),
    name: z.string(),
    description: nullableText,
    default_state: nullableId,
  })
  .transform(
    (p): TaskerProject => ({
      id: p.id,
      identifier: p.identifier,
      name: p.name,
      description: p.description,
      default_state_id: p.default_state,
    }),
  );

export const stateSchema = z
  .object({
    id,
    name: z.string(),
    color: text,
    group: z.enum(["backlog", "unstarted", "started", "completed", "cancelled"]),
    default: z.boolean().nullish(),
    sequence: z.number(),
  })
  .transform(
    (s): TaskerState => ({
      id: s.id,
      name: s.name,
      color: s.color,
      group: s.group,
      is_default: s.default === true,
      sequence: s.sequence,
    }),
  );

export const labelSchema = z
  .object({ id, name: z.string(), color: text, parent: nullableId })
  .transform((l): TaskerLabel => ({ id: l.id, name: l.name, color: l.color, parent_id: l.parent }));

/** A role is believed only when it is an integer; anything else proves nothing. */
const optionalRole = z.unknown().optional().transform((v) => (typeof v === "number" && Number.isInteger(v) ? v : null));
/** An activity flag: true/false when reported, null when the field is absent or not a boolean. */
const optionalFlag = z.unknown().optional().transform((v) => (typeof v === "boolean" ? v : null));
const combinedActivity = (a: boolean | null, b: boolean | null): boolean | null => (a === false || b === false ? false : a ?? b);

/** What a member list says about one user's membership; null = the list does not say. */
export interface MembershipFacts {
  role: number | null;
  active: boolean | null;
}

/**
 * Plane's project member list is UserLite without role or activity (PLANE_API §3) and it
 * includes inactive members. The NODE.DC fork adds the membership's `role` and `is_active`
 * (`member_is_active` is accepted too); they are detected per entry, never required.
 */
export const memberSchema = z
  .object({
    id,
    email: z.string().nullish(),
    display_name: text,
    first_name: text,
    last_name: text,
    role: optionalRole,
    is_active: optionalFlag,
    member_is_active: optionalFlag,
  })
  .transform((m): TaskerMember & { facts: MembershipFacts } => ({
    id: m.id,
    email: m.email ?? null,
    display_name: m.display_name,
    first_name: m.first_name,
    last_name: m.last_name,
    facts: { role: m.role, active: combinedActivity(m.is_active, m.member_is_active) },
  }));

/**
 * Workspace member list: UserLite plus the workspace `role` (PLANE_API §3). Plane lists
 * removed and deactivated members too and says nothing about it; an `is_active` a fork may
 * add is honoured.
 */
export const workspaceMemberSchema = z
  .object({
    id,
    email: z.string().nullish(),
    role: optionalRole,
    is_active: optionalFlag,
    member_is_active: optionalFlag,
  })
  .transform((m): { id: string; email: string | null; facts: MembershipFacts } => ({
    id: m.id,
    email: m.email ?? null,
    facts: { role: m.role, active: combinedActivity(m.is_active, m.member_is_active) },
  }));

/** `GET /api/v1/users/me/` (UserLite). */
export const userMeSchema = z.object({ id, email: z.string().nullish() }).transform((u) => ({ id: u.id, email: u.email ?? null }));

export const workItemSchema = z
  .object({
    id,
    project: id,
    sequence_id: z.number().int(),
    name: z.string(),
    description_html: text,
    state: nullableId,
    priority: z.enum(["urgent", "high", "medium", "low", "none"]),
    labels: z.array(id),
    assignees: z.array(id),
    parent: nullableId,
    external_source: nullableText,
    external_id: nullableText,
    created_by: nullableId,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .transform(
    (w): TaskerWorkItem => ({
      id: w.id,
      project_id: w.project,
      sequence_id: w.sequence_id,
      name: w.name,
      description_html: w.description_html,
      state_id: w.state,
      priority: w.priority,
      label_ids: w.labels,
      assignee_ids: w.assignees,
      parent_id: w.parent,
      external_source: w.external_source,
      external_id: w.external_id,
      created_by: w.created_by,
      created_at: w.created_at,
      updated_at: w.updated_at,
    }),
  );

export const commentSchema = z
  .object({
    id,
    issue: id,
    comment_html: text,
    actor: nullableId,
    external_source: nullableText,
    external_id: nullableText,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .transform(
    (c): TaskerComment => ({
      id: c.id,
      work_item_id: c.issue,
      comment_html: c.comment_html,
      actor_id: c.actor,
      external_source: c.external_source,
      external_id: c.external_id,
      created_at: c.created_at,
      updated_at: c.updated_at,
    }),
  );

/** old_value/new_value are display strings; a fork may send numbers, kept as text. */
const activityValue = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

export const activitySchema = z
  .object({
    id,
    issue: nullableId,
    verb: z.string(),
    field: nullableText,
    old_value: activityValue,
    new_value: activityValue,
    comment: nullableText,
    actor: nullableId,
    created_at: timestamp,
  })
  .transform(
    (a): Omit<TaskerActivity, "work_item_id"> & { work_item_id: string | null } => ({
      id: a.id,
      work_item_id: a.issue,
      verb: a.verb,
      field: a.field,
      old_value: a.old_value,
      new_value: a.new_value,
      comment: a.comment,
      actor_id: a.actor,
      created_at: a.created_at,
    }),
  );

export const searchSchema = z
  .object({
    issues: z.array(
      z.object({
        id,
        name: z.string(),
        sequence_id: z.number().int(),
        project_id: id,
        project__identifier: z.string(),
      }),
    ),
  })
  .transform((s): TaskerSearchHit[] =>
    s.issues.map((h) => ({
      id: h.id,
      name: h.name,
      sequence_id: h.sequence_id,
      project_id: h.project_id,
      project_identifier: h.project__identifier,
    })),
  );

/** Plane's pagination envelope (PLANE_API §3), normalised to TaskerPage. */
export function pageSchema<T extends z.ZodTypeAny>(item: T) {
  return z
    .object({
      results: z.array(item),
      next_cursor: z.string().nullish(),
      next_page_results: z.boolean().nullish(),
      total_count: z.number().int().nullish(),
      total_results: z.number().int().nullish(),
    })
    .transform(
      (p): TaskerPage<z.output<T>> => ({
        items: p.results,
        next_cursor: p.next_page_results === true && p.next_cursor ? p.next_cursor : null,
        total_count: p.total_count ?? p.total_results ?? p.results.length,
      }),
    );
}

/**
 * A list endpoint that Plane paginates but a fork (or an older Plane) might answer with a
 * plain array; both are accepted.
 */
export function pageOrArraySchema<T extends z.ZodTypeAny>(item: T) {
  return z.union([
    pageSchema(item),
    z.array(item).transform((items): TaskerPage<z.output<T>> => ({ items, next_cursor: null, total_count: items.length })),
  ]);
}

/** The 409 body for a duplicate external ref: `{"error": "...", "id": "<uuid>"}` (PLANE_API §4). */
export const conflictSchema = z.object({ id: z.string().optional() });
