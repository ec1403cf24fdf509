import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "postgres";
import { connect } from "../db/database";
import { migrate } from "../db/migrate";
import { createIsolatedDatabase, type IsolatedDatabase } from "../testing/isolated-database";
import {
  canonicalJson,
  claimIdempotency,
  completeIdempotency,
  expireIdempotencyLease,
  purgeIdempotencyRecords,
  releaseIdempotency,
  requestHash,
  type IdempotencyClaimInput,
} from "./idempotency-store";
import { startIdempotencyPurgeJob } from "./purge-job";

let db: IsolatedDatabase;
let sql: Sql;
let sql2: Sql;

beforeAll(async () => {
  db = await createIsolatedDatabase();
  const admin = connect(db.url, { max: 1 });
  await migrate(admin);
  await admin.end();
  sql = connect(db.url, { max: 10 });
  sql2 = connect(db.url, { max: 10 });
});
afterAll(async () => {
  await sql?.end();
  await sql2?.end();
  await db?.close();
});

function input(over: Partial<IdempotencyClaimInput> = {}): IdempotencyClaimInput {
  return {
    agent_id: randomUUID(),
    key: `key-${randomUUID()}`,
    tool: "create_card",
    request_hash: requestHash("create_card", { title: "a" }),
    request_id: randomUUID(),
    project_id: randomUUID(),
    lease_s: 30,
    ...over,
  };
}

describe("idempotency store", () => {
  it("hashes canonical arguments without the key", () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 2 }] })).toBe('{"a":[{"c":2,"d":1}],"b":1}');
    expect(requestHash("t", { a: 1, b: 2, idempotency_key: "x" })).toBe(requestHash("t", { b: 2, a: 1 }));
    expect(requestHash("t", { a: 1 })).not.toBe(requestHash("u", { a: 1 }));
  });

  it("claims once, then reports in progress, reuse, and replay", async () => {
    const a = input();
    const first = await claimIdempotency(sql, a);
    expect(first.kind).toBe("claimed");
    const second = await claimIdempotency(sql, { ...a, request_id: "r2" });
    expect(second.kind).toBe("in_progress");
    const other = await claimIdempotency(sql, { ...a, request_hash: "other" });
    expect(other.kind).toBe("reused");
    if (first.kind !== "claimed") throw new Error("unreachable");
    await completeIdempotency(sql, first.record, { status: 200, body: JSON.stringify({ result: { ok: 1 } }), card_id: null });
    const third = await claimIdempotency(sql, a);
    expect(third).toMatchObject({ kind: "replay", status: 200, body: '{"result":{"ok":1}}' });
  });

  it("lets exactly one of many concurrent claims across two pools win", async () => {
    const a = input();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claimIdempotency(i % 2 ? sql : sql2, { ...a, request_id: `r${i}` })),
    );
    expect(outcomes.filter((o) => o.kind === "claimed")).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === "in_progress")).toHaveLength(19);
  });

  it("takes over an expired lease with the same arguments and counts the attempt", async () => {
    const a = input();
    const first = await claimIdempotency(sql, a);
    if (first.kind !== "claimed") throw new Error("not claimed");
    await expireIdempotencyLease(sql, first.record);
    expect((await claimIdempotency(sql, { ...a, request_hash: "other" })).kind).toBe("reused");
    const retry = await claimIdempotency(sql, a);
    expect(retry).toMatchObject({ kind: "claimed", record: { id: first.record.id, attempts: 2 } });
  });

  it("forgets a released claim", async () => {
    const a = input();
    const first = await claimIdempotency(sql, a);
    if (first.kind !== "claimed") throw new Error("not claimed");
    await releaseIdempotency(sql, first.record);
    const again = await claimIdempotency(sql, a);
    expect(again).toMatchObject({ kind: "claimed", record: { attempts: 1 } });
  });

  it("purges only records past the retention", async () => {
    const old = input();
    const fresh = input();
    const o = await claimIdempotency(sql, old);
    await claimIdempotency(sql, fresh);
    if (o.kind !== "claimed") throw new Error("not claimed");
    await completeIdempotency(sql, o.record, { status: 200, body: "{}", card_id: null });
    await sql`UPDATE idempotency_records SET created_at = now() - interval '25 hours' WHERE id = ${o.record.id}`;
    expect(await purgeIdempotencyRecords(sql, 24)).toBe(1);
    expect((await claimIdempotency(sql, fresh)).kind).toBe("in_progress");
  });

  it("the purge job never keeps less than 24 h and can run on several replicas at once", async () => {
    const a = input();
    const claimed = await claimIdempotency(sql, a);
    if (claimed.kind !== "claimed") throw new Error("not claimed");
    await completeIdempotency(sql, claimed.record, { status: 200, body: "{}", card_id: null });
    await sql`UPDATE idempotency_records SET created_at = now() - interval '23 hours' WHERE id = ${claimed.record.id}`;
    const job1 = startIdempotencyPurgeJob(sql, { retentionHours: 1 });
    const job2 = startIdempotencyPurgeJob(sql2, { retentionHours: 1 });
    try {
      expect((await Promise.all([job1.runOnce(), job2.runOnce()])).reduce((x, y) => x + y, 0)).toBe(0);
      await sql`UPDATE idempotency_records SET created_at = now() - interval '25 hours' WHERE id = ${claimed.record.id}`;
      expect((await Promise.all([job1.runOnce(), job2.runOnce()])).reduce((x, y) => x + y, 0)).toBe(1);
    } finally {
      job1.stop();
      job2.stop();
    }
  });
});
