import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { z } from "zod";
import { activitySchema, commentSchema, memberSchema, pageSchema, searchSchema, strictSchemasForTests, workItemSchema, workspaceMemberSchema } from "./plane-schemas.js";

const item = {
  id: "7d1e3c1e-8a51-4b0e-9a57-2e2e2e2e2e2e",
  project: "0b6e3c1e-8a51-4b0e-9a57-1f1f1f1f1f1f",
  workspace: "w",
  sequence_id: 3,
  name: "Fix login",
  description_html: "<p>x</p>",
  state: "s1",
  priority: "high",
  labels: ["l1"],
  assignees: [],
  parent: null,
  external_source: null,
  external_id: null,
  created_by: "u1",
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  sort_order: 65535,
  some_future_field: { x: 1 },
};

describe("Plane shapes", () => {
  it("normalise a work item and ignore extra fields", () => {
    expect(workItemSchema.parse(item)).toEqual({
      id: item.id,
      project_id: item.project,
      sequence_id: 3,
      name: "Fix login",
      description_html: "<p>x</p>",
      state_id: "s1",
      priority: "high",
      label_ids: ["l1"],
      assignee_ids: [],
      parent_id: null,
      external_source: null,
      external_id: null,
      created_by: "u1",
      created_at: item.created_at,
      updated_at: item.updated_at,
    });
  });

  it("are strict on the fields we use", () => {
    expect(workItemSchema.safeParse({ ...item, priority: "critical" }).success).toBe(false);
    expect(workItemSchema.safeParse({ ...item, labels: "l1" }).success).toBe(false);
    expect(workItemSchema.safeParse({ ...item, id: undefined }).success).toBe(false);
  });

  it("page envelope: next_cursor only while next_page_results", () => {
    const page = pageSchema(workItemSchema);
    expect(page.parse({ results: [item], next_cursor: "1:1:0", next_page_results: true, total_count: 2 })).toMatchObject({ next_cursor: "1:1:0", total_count: 2 });
    expect(page.parse({ results: [item], next_cursor: "1:2:0", next_page_results: false, total_count: 2 }).next_cursor).toBeNull();
  });

  it("members: role and activity are detected when a fork sends them, and unknown otherwise", () => {
    const lite = { id: "u", email: "a@b.c", display_name: "a", first_name: "A", last_name: "" };
    expect(memberSchema.parse(lite).facts).toEqual({ role: null, active: null });
    expect(memberSchema.parse({ ...lite, role: 15, is_active: true }).facts).toEqual({ role: 15, active: true });
    expect(memberSchema.parse({ ...lite, is_active: false }).facts).toEqual({ role: null, active: false });
    expect(memberSchema.parse({ ...lite, is_active: true, member_is_active: false }).facts.active).toBe(false);
    // A role that is not an integer proves nothing; it is not an error either.
    expect(memberSchema.parse({ ...lite, role: "20", is_active: "yes" }).facts).toEqual({ role: null, active: null });
    expect(workspaceMemberSchema.parse({ id: "u", email: "a@b.c", role: 5 }).facts).toEqual({ role: 5, active: null });
  });

  it("search hits and activities", () => {
    expect(searchSchema.parse({ issues: [{ id: "i", name: "n", sequence_id: 1, project__identifier: "DEMO", project_id: "p", workspace__slug: "w" }] })).toEqual([
      { id: "i", name: "n", sequence_id: 1, project_id: "p", project_identifier: "DEMO" },
    ]);
    expect(activitySchema.parse({ id: "a", issue: "i", verb: "updated", field: "priority", old_value: "none", new_value: "high", comment: "c", actor: "u", created_at: "t" })).toMatchObject({
      work_item_id: "i",
      actor_id: "u",
    });
  });
});

describe("quick checks of the hot shapes agree with their zod schemas", () => {
  // Every field drawn from values zod takes and values it refuses (absent keys included),
  // so both paths see well-formed answers, rare valid ones and malformed ones.
  // Each field valid most of the time (so whole answers are often valid, in their rarer
  // forms too: nulls, absent keys, numbers as activity values), else something zod refuses.
  const field = <T,>(valid: fc.Arbitrary<T>, ...invalid: fc.Arbitrary<unknown>[]) => fc.oneof({ arbitrary: valid, weight: 40 }, ...invalid.map((arbitrary) => ({ arbitrary, weight: 1 })));
  const idLike = field(fc.string({ minLength: 1, maxLength: 64 }), fc.constantFrom("", "x".repeat(65)), fc.integer(), fc.boolean());
  const nullableIdLike = field(fc.oneof(fc.string({ minLength: 1, maxLength: 64 }), fc.constant(null)), fc.constant(""), fc.integer());
  const textLike = field(fc.oneof(fc.string(), fc.constant(null)), fc.integer(), fc.boolean(), fc.constant({}));
  const stringLike = field(fc.string(), fc.constant(null), fc.integer());
  const intLike = field(fc.integer(), fc.double(), fc.constantFrom(2 ** 53, 1.5), fc.string(), fc.constant(null));
  const optIntLike = field(fc.oneof(fc.integer(), fc.constant(null)), fc.double(), fc.constantFrom(2 ** 53, 1.5), fc.string());
  const stampLike = field(fc.constant("2026-01-01T00:00:00Z"), fc.constant(""), fc.integer(), fc.constant(null));
  const valueLike = field(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)), fc.constant([1]), fc.constant({}));
  /** Optional keys are absent now and then; the others almost always present. */
  const anyOptional = <T,>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }) =>
    fc.tuple(fc.record(model), fc.array(fc.constantFrom(...Object.keys(model)), { maxLength: 1 }), fc.nat(9)).map(([r, drop, roll]) => {
      const copy: Record<string, unknown> = { ...r };
      if (roll === 0) for (const k of drop) delete copy[k];
      return copy;
    });
  const withExtra = (arb: fc.Arbitrary<Record<string, unknown>>) => fc.tuple(arb, fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 })).map(([a, extra]) => ({ ...extra, ...a }));

  const workItemLike = withExtra(
    anyOptional({
      id: idLike, project: idLike, sequence_id: intLike, name: stringLike, description_html: textLike, state: nullableIdLike,
      priority: field(fc.constantFrom("urgent", "high", "medium", "low", "none"), fc.constant("critical"), fc.constant(null)),
      labels: field(fc.array(idLike, { maxLength: 3 }), fc.constant("l1")), assignees: field(fc.array(idLike, { maxLength: 3 }), fc.constant(null)),
      parent: nullableIdLike, external_source: textLike, external_id: textLike, created_by: nullableIdLike, created_at: stampLike, updated_at: stampLike,
    }),
  );
  const commentLike = withExtra(
    anyOptional({ id: idLike, issue: idLike, comment_html: textLike, actor: nullableIdLike, external_source: textLike, external_id: textLike, created_at: stampLike, updated_at: stampLike }),
  );
  const activityLike = withExtra(
    anyOptional({ id: idLike, issue: nullableIdLike, verb: stringLike, field: textLike, old_value: valueLike, new_value: valueLike, comment: textLike, actor: nullableIdLike, created_at: stampLike }),
  );
  const pageOf = (item: fc.Arbitrary<unknown>) =>
    anyOptional({ results: field(fc.array(item, { maxLength: 3 }), fc.constant(null)), next_cursor: textLike, next_page_results: field(fc.oneof(fc.boolean(), fc.constant(null)), fc.constant("true")), total_count: optIntLike, total_results: optIntLike });
  const searchLike = anyOptional({
    issues: field(fc.array(withExtra(anyOptional({ id: idLike, name: stringLike, sequence_id: intLike, project_id: idLike, project__identifier: stringLike })), { maxLength: 3 }), fc.constant({})),
  });

  const cases: [string, z.ZodType, z.ZodType, fc.Arbitrary<unknown>][] = [
    ["work item", workItemSchema, strictSchemasForTests.workItem, workItemLike],
    ["comment", commentSchema, strictSchemasForTests.comment, commentLike],
    ["activity", activitySchema, strictSchemasForTests.activity, activityLike],
    ["search", searchSchema, strictSchemasForTests.search, searchLike],
    ["page of work items", pageSchema(workItemSchema), pageSchema(strictSchemasForTests.workItem), pageOf(workItemLike)],
    ["page of comments", pageSchema(commentSchema), pageSchema(strictSchemasForTests.comment), pageOf(commentLike)],
  ];
  for (const [name, quick, strict, arbitrary] of cases) {
    it(name, () => {
      let valid = 0;
      fc.assert(
        fc.property(arbitrary, (value) => {
          const a = quick.safeParse(value);
          const b = strict.safeParse(value);
          if (b.success) valid++;
          expect(a.success).toBe(b.success);
          if (a.success && b.success) expect(a.data).toStrictEqual(b.data);
          else expect(a.error?.issues.map((i) => i.path.join("."))).toEqual(b.error?.issues.map((i) => i.path.join(".")));
        }),
        { numRuns: 500 },
      );
      // both outcomes were exercised
      expect(valid).toBeGreaterThan(50);
      expect(valid).toBeLessThan(450);
    });
  }

  it("a well-formed answer takes the quick path (no zod parse of the strict schema)", () => {
    const strict = strictSchemasForTests.workItem;
    const original = strict.safeParse.bind(strict);
    let strictCalls = 0;
    strict.safeParse = ((v: unknown) => {
      strictCalls++;
      return original(v);
    }) as typeof strict.safeParse;
    try {
      expect(workItemSchema.parse(item)).toMatchObject({ id: item.id, label_ids: ["l1"] });
      expect(strictCalls).toBe(0);
      expect(workItemSchema.safeParse({ ...item, priority: "critical" }).success).toBe(false);
      expect(strictCalls).toBe(1);
    } finally {
      strict.safeParse = original;
    }
  });
});
