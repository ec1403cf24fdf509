import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "postgres";
import { createIsolatedDatabase, type IsolatedDatabase } from "../testing/isolated-database";
import { connect } from "../db/database";
import { migrate } from "../db/migrate";
import type { AuditEventInput } from "./audit-event";
import { createAuditBatcher } from "./audit-batcher";

let db: IsolatedDatabase;
let sql: Sql;
let statements = 0;
beforeAll(async () => {
  db = await createIsolatedDatabase();
  sql = connect(db.url, { max: 4, debug: () => void statements++ });
  await migrate(sql);
});
afterAll(async () => {
  await sql?.end();
  await db?.close();
});

const event = (request_id: string, outcome = "allowed"): AuditEventInput => ({
  actor_type: "agent",
  action: "tool.whoami",
  tool: "whoami",
  outcome: outcome as AuditEventInput["outcome"],
  request_id,
  details: { n: request_id, api_key: "must-not-be-stored" },
});

describe("audit group commit", () => {
  it("commits 60 concurrent events in far fewer statements, each caller getting its own row", async () => {
    const batcher = createAuditBatcher(sql);
    const before = statements;
    const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => batcher.add(event(`batch-${i}`))));
    expect(statements - before).toBeLessThanOrEqual(3);
    const rows = await sql<{ id: string; request_id: string; details: Record<string, unknown> }[]>`
      SELECT id, request_id, details FROM audit_events WHERE request_id LIKE 'batch-%'`;
    expect(rows).toHaveLength(60);
    const byRequest = new Map(rows.map((r) => [r.request_id, r]));
    ids.forEach((r, i) => expect(byRequest.get(`batch-${i}`)?.id).toBe(r.id));
    expect(rows.every((r) => !("api_key" in r.details) && r.details.n === r.request_id)).toBe(true);
  });

  it("a bad event in a batch fails alone; the others are committed", async () => {
    const batcher = createAuditBatcher(sql);
    const results = await Promise.allSettled([batcher.add(event("mixed-1")), batcher.add(event("mixed-bad", "bogus")), batcher.add(event("mixed-2"))]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const rows = await sql<{ request_id: string }[]>`SELECT request_id FROM audit_events WHERE request_id LIKE 'mixed-%' ORDER BY request_id`;
    expect(rows.map((r) => r.request_id)).toEqual(["mixed-1", "mixed-2"]);
  });

  it("a lone event is written at once as a single statement", async () => {
    const batcher = createAuditBatcher(sql);
    const before = statements;
    const row = await batcher.add(event("lone"));
    expect(statements - before).toBe(1);
    expect(row.occurred_at).toBeInstanceOf(Date);
  });
});
