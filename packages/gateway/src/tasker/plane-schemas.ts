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

/*
 * The hot shapes (a work item, a comment, an activity, a search answer, and their pages)
 * are read on every get_card / search_cards / write: each has a hand-written check that
 * accepts a subset of what its zod schema accepts and builds the same output, so the
 * common answer costs a few property reads instead of a zod parse (~1.3 ms on a card with
 * 10 comments and 61 activities). Anything the quick check does not take — a rarer valid
 * shape or a malformed answer — goes through the zod schema, which decides and names the
 * issues. plane-schemas.test.ts checks both agree on generated answers.
 */

/** What a quick check makes of a value: the decoded output, or NOT_QUICK to ask zod. */
const NOT_QUICK = Symbol("not quick");
type Quick<T> = (v: unknown) => T | typeof NOT_QUICK;
const quickChecks = new WeakMap<z.ZodTypeAny, Quick<unknown>>();

function withQuickCheck<S extends z.ZodTypeAny>(strict: S, quick: Quick<z.output<S>>): z.ZodType<z.output<S>> {
  const schema = z.unknown().transform((v, ctx): z.output<S> => {
    const fast = quick(v);
    if (fast !== NOT_QUICK) return fast;
    const parsed = strict.safeParse(v);
    if (parsed.success) return parsed.data as z.output<S>;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path, input: v });
    return z.NEVER;
  });
  quickChecks.set(schema, quick as Quick<unknown>);
  return schema;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === "string" && v.length >= 1 && v.length <= 64;
/** nullableId's accepted values; the output is `v ?? null`. */
const isNullableId = (v: unknown): v is string | null | undefined => v === null || v === undefined || isId(v);
const isOptText = (v: unknown): v is string | null | undefined => v === null || v === undefined || typeof v === "string";
const isStamp = (v: unknown): v is string => typeof v === "string" && v.length >= 1;
const isIdArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isId);
const isOptInt = (v: unknown): v is number | null | undefined => v === null || v === undefined || Number.isSafeInteger(v);
const PRIORITIES = new Set(["urgent", "high", "medium", "low", "none"]);

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

const workItemStrict = z
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

const commentStrict = z
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

export const workItemSchema = withQuickCheck(workItemStrict, (v) => {
  if (!isObj(v)) return NOT_QUICK;
  const { id, project, sequence_id, name, description_html, state, priority, labels, assignees, parent, external_source, external_id, created_by, created_at, updated_at } = v;
  if (!isId(id) || !isId(project) || !Number.isSafeInteger(sequence_id) || typeof name !== "string" || !isOptText(description_html) || !isNullableId(state)) return NOT_QUICK;
  if (typeof priority !== "string" || !PRIORITIES.has(priority) || !isIdArray(labels) || !isIdArray(assignees) || !isNullableId(parent)) return NOT_QUICK;
  if (!isOptText(external_source) || !isOptText(external_id) || !isNullableId(created_by) || !isStamp(created_at) || !isStamp(updated_at)) return NOT_QUICK;
  return {
    id,
    project_id: project,
    sequence_id: sequence_id as number,
    name,
    description_html: description_html ?? "",
    state_id: state ?? null,
    priority: priority as TaskerWorkItem["priority"],
    label_ids: labels.slice(),
    assignee_ids: assignees.slice(),
    parent_id: parent ?? null,
    external_source: external_source ?? null,
    external_id: external_id ?? null,
    created_by: created_by ?? null,
    created_at,
    updated_at,
  };
});

export const commentSchema = withQuickCheck(commentStrict, (v) => {
  if (!isObj(v)) return NOT_QUICK;
  const { id, issue, comment_html, actor, external_source, external_id, created_at, updated_at } = v;
  if (!isId(id) || !isId(issue) || !isOptText(comment_html) || !isNullableId(actor) || !isOptText(external_source) || !isOptText(external_id)) return NOT_QUICK;
  if (!isStamp(created_at) || !isStamp(updated_at)) return NOT_QUICK;
  return {
    id,
    work_item_id: issue,
    comment_html: comment_html ?? "",
    actor_id: actor ?? null,
    external_source: external_source ?? null,
    external_id: external_id ?? null,
    created_at,
    updated_at,
  };
});

/** old_value/new_value are display strings; a fork may send numbers, kept as text. */
const activityValue = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

const activityStrict = z
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

const isActivityValue = (v: unknown): v is string | number | boolean | null | undefined =>
  v === null || v === undefined || typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v));
const activityText = (v: string | number | boolean | null | undefined): string | null => (v === null || v === undefined ? null : String(v));

export const activitySchema = withQuickCheck(activityStrict, (v) => {
  if (!isObj(v)) return NOT_QUICK;
  const { id, issue, verb, field, old_value, new_value, comment, actor, created_at } = v;
  if (!isId(id) || !isNullableId(issue) || typeof verb !== "string" || !isOptText(field) || !isActivityValue(old_value) || !isActivityValue(new_value)) return NOT_QUICK;
  if (!isOptText(comment) || !isNullableId(actor) || !isStamp(created_at)) return NOT_QUICK;
  return {
    id,
    work_item_id: issue ?? null,
    verb,
    field: field ?? null,
    old_value: activityText(old_value),
    new_value: activityText(new_value),
    comment: comment ?? null,
    actor_id: actor ?? null,
    created_at,
  };
});

const searchStrict = z
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

export const searchSchema = withQuickCheck(searchStrict, (v) => {
  if (!isObj(v) || !Array.isArray(v.issues)) return NOT_QUICK;
  const hits: TaskerSearchHit[] = [];
  for (const h of v.issues as unknown[]) {
    if (!isObj(h)) return NOT_QUICK;
    const { id, name, sequence_id, project_id, project__identifier } = h;
    if (!isId(id) || typeof name !== "string" || !Number.isSafeInteger(sequence_id) || !isId(project_id) || typeof project__identifier !== "string") return NOT_QUICK;
    hits.push({ id, name, sequence_id: sequence_id as number, project_id, project_identifier: project__identifier });
  }
  return hits;
});

/**
 * Plane's pagination envelope (PLANE_API §3), normalised to TaskerPage; quick when its
 * items' schema is (withQuickCheck).
 */
export function pageSchema<T extends z.ZodTypeAny>(item: T): z.ZodType<TaskerPage<z.output<T>>> {
  const strict = z
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
  const quickItem = quickChecks.get(item) as Quick<z.output<T>> | undefined;
  if (!quickItem) return strict;
  return withQuickCheck(strict, (v) => {
    if (!isObj(v) || !Array.isArray(v.results)) return NOT_QUICK;
    const { results, next_cursor, next_page_results, total_count, total_results } = v;
    if (!isOptText(next_cursor) || !(next_page_results === null || next_page_results === undefined || typeof next_page_results === "boolean")) return NOT_QUICK;
    if (!isOptInt(total_count) || !isOptInt(total_results)) return NOT_QUICK;
    const items: z.output<T>[] = [];
    for (const r of results as unknown[]) {
      const decoded = quickItem(r);
      if (decoded === NOT_QUICK) return NOT_QUICK;
      items.push(decoded);
    }
    return {
      items,
      next_cursor: next_page_results === true && next_cursor ? next_cursor : null,
      total_count: total_count ?? total_results ?? items.length,
    };
  });
}

/** The zod-only forms of the quick shapes (plane-schemas.test.ts checks both agree). */
export const strictSchemasForTests = { workItem: workItemStrict, comment: commentStrict, activity: activityStrict, search: searchStrict };

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
