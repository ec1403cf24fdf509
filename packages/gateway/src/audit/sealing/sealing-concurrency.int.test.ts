import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../../testing/test-stack";
import { auditRowOf, insertAuditEvents } from "../audit-insert";
import { startSealJob } from "./seal-job";
import { SEAL_LOCK_KEY, sealOnce, type SealResult } from "./sealer";
import { loadSigningKey } from "./signing-key";
import { verifyAuditLog } from "./verify";
import { writeEvents } from "./testing.test-support";

let stack: TestStack;
const keyA = loadSigningKey({ value: null, file: null });
const keyB = loadSigningKey({ value: null, file: null });
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function sealAll(): Promise<SealResult[]> {
  const results: SealResult[] = [];
  for (;;) {
    const r = await sealOnce(stack.sql, keyA);
    if (r.sealed === 0) return results;
    results.push(r);
  }
}

async function sealedIds(): Promise<string[]> {
  return (await stack.adminSql<{ id: string }[]>`SELECT event_id::text AS id FROM audit_leaves ORDER BY leaf_index`).map((r) => r.id);
}

describe("sealing under concurrency", () => {
  it("seals an event whose transaction was still open during a seal in the next checkpoint", async () => {
    await sealAll();
    const inserted = deferred();
    const release = deferred();
    const id = randomUUID();
    // the event's timestamp is taken at INSERT, long before it commits: a seal in between
    // must not skip it for good because later events are already sealed
    const writer = stack.sql.begin(async (tx) => {
      await insertAuditEvents(tx, [auditRowOf({ actor_type: "system", action: "sealing.late", outcome: "allowed", request_id: randomUUID() }, id)]);
      inserted.resolve();
      await release.promise;
    });
    await inserted.promise;
    let later: string[];
    if (stack.database.kind === "postgres") {
      later = await writeEvents(stack.sql, 3, "user-sealing", "later");
      const during = await sealOnce(stack.sql, keyA);
      expect(during.sealed).toBe(3);
      expect(await sealedIds()).not.toContain(id);
      release.resolve();
      await writer;
    } else {
      // PGlite runs one transaction at a time: nothing else can run before the commit
      release.resolve();
      await writer;
      later = await writeEvents(stack.sql, 3, "user-sealing", "later");
    }
    await sealAll();
    const sealed = await sealedIds();
    expect(sealed.filter((s) => s === id)).toHaveLength(1);
    for (const l of later) expect(sealed.filter((s) => s === l)).toHaveLength(1);
    expect(await verifyAuditLog(stack.adminSql)).toMatchObject({ valid: true, unsealed_events: 0 });
  });

  it("loses and duplicates nothing while writers keep committing during seals", async () => {
    const written: string[] = [];
    let writing = true;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; i < 25; i++) written.push(...(await writeEvents(stack.sql, 4, "user-sealing", `writer-${w}`)));
    });
    const sealer = (async () => {
      let seals = 0;
      while (writing) seals += (await sealOnce(stack.sql, keyA, { batchSize: 37 })).checkpoint ? 1 : 0;
      return seals;
    })();
    await Promise.all(writers);
    writing = false;
    expect(await sealer).toBeGreaterThan(0);
    await sealAll();
    const sealed = await sealedIds();
    expect(new Set(sealed).size).toBe(sealed.length);
    const sealedSet = new Set(sealed);
    expect(written.filter((id) => !sealedSet.has(id))).toEqual([]);
    expect(await verifyAuditLog(stack.adminSql)).toMatchObject({ valid: true, unsealed_events: 0 });
  });

  it("lets only one replica seal at a time: a held lock makes the other a no-op, and racing replicas never fork the chain", async () => {
    if (stack.database.kind === "postgres") {
      await writeEvents(stack.sql, 2, "user-sealing", "locked");
      const holding = deferred();
      const release = deferred();
      const other = stack.adminSql.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${SEAL_LOCK_KEY.toString()}::bigint)`;
        holding.resolve();
        await release.promise;
      });
      await holding.promise;
      expect(await sealOnce(stack.sql, keyA)).toEqual({ locked: false, sealed: 0, checkpoint: null });
      release.resolve();
      await other;
      expect((await sealOnce(stack.sql, keyA)).sealed).toBe(2);
    }
    const [before] = await stack.adminSql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_checkpoints`;
    for (let round = 0; round < 8; round++) {
      await writeEvents(stack.sql, 3, "user-sealing", `race-${round}`);
      const results = await Promise.all([sealOnce(stack.sql, keyA), sealOnce(stack.adminSql, keyB)]);
      // one replica sealed the three events; the other was locked out or found nothing left
      expect(results.map((r) => r.sealed).sort()).toEqual([0, 3]);
    }
    const seqs = (await stack.adminSql<{ seq: string }[]>`SELECT seq FROM audit_checkpoints ORDER BY seq`).map((r) => Number(r.seq));
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length).toBe(before!.n + 8);
    expect(await verifyAuditLog(stack.adminSql)).toMatchObject({ valid: true, unsealed_events: 0 });
  });

  it("seals on its interval and early when many events wait", async () => {
    const sealedOnInterval = deferred<SealResult>();
    const job = startSealJob(stack.sql, keyA, { intervalMs: 200, probeMs: 50, onSealed: (r) => sealedOnInterval.resolve(r) });
    try {
      const [id] = await writeEvents(stack.sql, 1, "user-sealing", "interval");
      const result = await sealedOnInterval.promise;
      expect(result.sealed).toBe(1);
      expect(await sealedIds()).toContain(id);
    } finally {
      await job.stop();
    }
    const sealedEarly = deferred<SealResult>();
    const early = startSealJob(stack.sql, keyA, { intervalMs: 3_600_000, probeMs: 50, earlyThreshold: 20, onSealed: (r) => sealedEarly.resolve(r) });
    try {
      await writeEvents(stack.sql, 5, "user-sealing", "few");
      await writeEvents(stack.sql, 15, "user-sealing", "many");
      expect((await sealedEarly.promise).sealed).toBe(20);
    } finally {
      await early.stop();
    }
  });
});
