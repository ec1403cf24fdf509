import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "postgres";
import { connect } from "../db/database";
import { migrate } from "../db/migrate";
import { HttpError } from "../http/http-error";
import { createIsolatedDatabase, type IsolatedDatabase } from "../testing/isolated-database";
import { idempotentWrite, type IdempotentWriteInput } from "./idempotent-write";
import { claimIdempotency, renewIdempotencyLease, requestHash } from "./idempotency-store";

let db: IsolatedDatabase;
let sql: Sql;

beforeAll(async () => {
  db = await createIsolatedDatabase();
  const admin = connect(db.url, { max: 1 });
  await migrate(admin);
  await admin.end();
  sql = connect(db.url, { max: 5 });
});
afterAll(async () => {
  await sql?.end();
  await db?.close();
});

const silent = { error: () => {} };

function writeInput(over: Partial<IdempotentWriteInput>): IdempotentWriteInput {
  return {
    sql,
    logger: silent,
    agentId: randomUUID(),
    key: `key-${randomUUID()}`,
    tool: "create_card",
    args: { title: "fenced" },
    requestId: randomUUID(),
    projectId: null,
    leaseS: 60,
    waitMs: 0,
    execute: async () => ({ bodyText: "{}", cardId: null }),
    auditAllowed: async () => {},
    auditFailed: async () => {},
    ...over,
  };
}

/** Ends the live holder's lease and claims the key as a retry would (attempt 2). */
async function takeOver(input: IdempotentWriteInput): Promise<void> {
  await sql`UPDATE idempotency_records SET lease_expires_at = clock_timestamp() WHERE agent_id = ${input.agentId} AND idempotency_key = ${input.key}`;
  const retry = await claimIdempotency(sql, {
    agent_id: input.agentId,
    key: input.key,
    tool: input.tool,
    request_hash: requestHash(input.tool, input.args),
    request_id: "retry",
    project_id: null,
    lease_s: 60,
  });
  expect(retry.kind).toBe("claimed");
}

describe("fencing of a taken-over claim", () => {
  it("a holder whose claim was taken over cannot start its Tasker write, and leaves the new holder's record alone", async () => {
    let taskerWrites = 0;
    let allowedEvents = 0;
    const input: IdempotentWriteInput = writeInput({
      async execute(write) {
        await takeOver(input);
        await write.beginWrite({});
        taskerWrites++;
        return { bodyText: "{}", cardId: null };
      },
      auditAllowed: async () => {
        allowedEvents++;
      },
    });
    const error = await idempotentWrite(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe("idempotency_in_progress");
    expect([taskerWrites, allowedEvents]).toEqual([0, 0]);
    const [row] = await sql<{ attempts: number; status: string }[]>`
      SELECT attempts, status FROM idempotency_records WHERE agent_id = ${input.agentId} AND idempotency_key = ${input.key}`;
    expect(row).toEqual({ attempts: 2, status: "in_flight" });
  });

  it("renewal extends only the holder's own attempt", async () => {
    const input = writeInput({});
    const claimed = await claimIdempotency(sql, {
      agent_id: input.agentId,
      key: input.key,
      tool: input.tool,
      request_hash: requestHash(input.tool, input.args),
      request_id: "first",
      project_id: null,
      lease_s: 60,
    });
    if (claimed.kind !== "claimed") throw new Error(claimed.kind);
    expect(await renewIdempotencyLease(sql, claimed.record, 60)).toBe(true);
    await takeOver(input);
    expect(await renewIdempotencyLease(sql, claimed.record, 60)).toBe(false);
    expect(await renewIdempotencyLease(sql, { id: claimed.record.id, attempts: 2 }, 60)).toBe(true);
  });
});
