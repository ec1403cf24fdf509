import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";
import { markAgentRevoked } from "../agents/agent-store";
import { revokeAllTokens, touchToken } from "./token-store";
import { activateSuccessor, lockTokenForRotation, supersedeSuccessor } from "./rotation-store";

/**
 * The lock order of auth rows (token-store.ts), proven on the two interleavings that closed a
 * cycle before it: each test holds the first lock in one session, starts the other side in
 * another, waits until the server shows that side queued or done, then takes the second
 * lock. Out of order, the second lock waits for the other side, which waits for us.
 *
 * PGlite has one session (pglite-queue.ts): nothing there can wait for a lock, so the same
 * steps run one after the other and only the outcome is checked.
 */
let stack: TestStack;
let concurrent: boolean;
beforeAll(async () => {
  stack = await startTestStack();
  concurrent = stack.database.kind === "postgres";
});
afterAll(async () => {
  await stack?.close();
});

/** Resolves once a session of this database waits for a lock (polling what the server reports). */
async function someoneWaitsForALock(): Promise<"waiting"> {
  for (;;) {
    const [row] = await stack.adminSql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`;
    if (row!.n > 0) return "waiting";
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const tokenRow = async (id: string) =>
  (await stack.adminSql<{ last_used_at: Date | null; revoked_reason: string | null; rotated_at: Date | null; activated_at: Date | null }[]>`
    SELECT last_used_at, revoked_reason, rotated_at, activated_at FROM agent_tokens WHERE id = ${id}`)[0]!;

describe("auth rows are locked in one order", () => {
  it("the last-used write never waits for an agent being revoked (it locks token, then agent)", async () => {
    const { agent } = await stack.createAgent("demo.owner@nodedc.local", "touched while revoked");
    const { token_id } = await stack.issueToken(agent.id);
    await stack.sql.begin(async (tx) => {
      await markAgentRevoked(tx, agent.id); // holds the agent row, as revoking an agent does
      if (concurrent) {
        const first = await Promise.race([touchToken(stack.sql, token_id).then(() => "done" as const), someoneWaitsForALock()]);
        expect(first).toBe("done");
      }
      await revokeAllTokens(tx, agent.id, "agent_revoked"); // would wait for the token the touch holds
    });
    // skipped while the rows were busy; once they are free the next touch writes
    await touchToken(stack.sql, token_id);
    const row = await tokenRow(token_id);
    expect(row.revoked_reason).toBe("agent_revoked");
    expect(row.last_used_at).not.toBeNull();
  });

  it("a first use of a successor queues behind a rotation of its predecessor instead of deadlocking with it", async () => {
    const { agent } = await stack.createAgent("demo.owner@nodedc.local", "rotated while first used");
    const old = await stack.issueToken(agent.id);
    const res = await stack.http("POST", ROUTES.agentSessionRotate, { bearer: old.token, headers: { "Idempotency-Key": randomUUID() } });
    expect(res.status).toBe(201);
    const successor = (await res.json()) as { token_id: string };

    const { activation } = await stack.sql.begin(async (tx) => {
      await lockTokenForRotation(tx, old.token_id); // a second rotation of the old token holds it
      let activation: Promise<void> = Promise.resolve();
      if (concurrent) {
        activation = activateSuccessor(stack.sql, successor.token_id, "198.51.100.7");
        await Promise.race([activation, someoneWaitsForALock()]);
      }
      await supersedeSuccessor(tx, successor.token_id); // out of order this waits for the successor the activation holds
      return { activation }; // not awaited in here: it waits for our commit
    });
    await activation;
    if (!concurrent) await activateSuccessor(stack.sql, successor.token_id, "198.51.100.7");

    // the rotation committed first: the successor was superseded unused, so the old token stays live
    expect(await tokenRow(successor.token_id)).toMatchObject({ revoked_reason: "superseded_by_rotation", activated_at: null });
    expect((await tokenRow(old.token_id)).rotated_at).toBeNull();
  });
});
