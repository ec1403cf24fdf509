/**
 * Scenario 4: the gateway's Postgres (a private cluster, never the shared server) is
 * stopped and started again while writers and readers keep calling. Writes are retried
 * with the same key until they have a final answer. Afterwards: every acknowledged write
 * is in Tasker exactly once with its audit event, every acknowledged read has its audit
 * event, and the same gateway process (no restart) serves again; the recovery time is
 * from the moment Postgres is back to the first acknowledged write that started after it.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { GatewayProcess } from "../../bench/lib/gateway-process.ts";
import { recordFigures } from "./lib/figures";
import { auditByKey, callTool, DEMO, startProcessStack, taskerWrites, type CallResult, type ProcessStack } from "./lib/process-stack";
import { resolveWithRetries } from "./lib/retry";
import { FAULTS } from "./lib/size";

let stack: ProcessStack;
let gateway: GatewayProcess;
let agent: { agentId: string; token: string };

beforeAll(async () => {
  stack = await startProcessStack("pgrestart");
  gateway = await stack.start("pg-restart");
  agent = await stack.agentWithToken(gateway.url, "Postgres restart agent");
});
afterAll(async () => {
  await stack?.close();
});

interface Done {
  key: string;
  tool: string;
  cardId: string | null;
  status: number;
  startedAt: number;
  endedAt: number;
  attempts: number;
  fiveXx: CallResult[];
}

it(
  `${FAULTS.pgRestarts} Postgres restart(s) under ${FAULTS.pgWriters} writers and readers: nothing acknowledged is lost; the gateway recovers by itself`,
  async () => {
    const cards: string[] = [];
    for (let i = 0; i < FAULTS.pgWriters * 12 * FAULTS.pgRestarts; i++) cards.push(await stack.humanCard(`pg target ${i}`));
    const since = stack.sandbox.requestLog.lastSeq;
    const pid = gateway.pid;
    const writes: Done[] = [];
    const reads: { requestId: string; status: number }[] = [];
    const fiveXx: CallResult[] = [];
    let stop = false;

    const writer = async (w: number) => {
      for (let n = 0; !stop; n++) {
        const key = `pg-${w}-${n}-${randomUUID().slice(0, 8)}`;
        const cardId = n % 2 === 1 ? (cards.pop() ?? null) : null;
        const [tool, args] = cardId
          ? (["add_comment", { project_id: DEMO, card_id: cardId, body_markdown: `pg ${key}` }] as const)
          : (["create_card", { project_id: DEMO, title: `pg ${key}` }] as const);
        const startedAt = Date.now();
        // past the 60 s idempotency lease: a claim stranded by the outage may hold the key that long
        const r = await resolveWithRetries(() => callTool(gateway.url, agent.token, tool, args, key, 30_000), 90_000);
        writes.push({ key, tool, cardId, status: r.result.status, startedAt, endedAt: Date.now(), attempts: r.attempts, fiveXx: r.fiveXx });
      }
    };
    const reader = async (i: number) => {
      for (let n = 0; !stop; n++) {
        const requestId = `pg-read-${i}-${n}-${randomUUID().slice(0, 8)}`;
        const r = await callTool(gateway.url, agent.token, "get_card", { project_id: DEMO, card: "DEMO-1" }, undefined, 30_000, requestId);
        if (r.status >= 500) fiveXx.push(r);
        reads.push({ requestId, status: r.status });
        if (r.status !== 200) await new Promise((res) => setTimeout(res, 20));
      }
    };
    const firstWriteAfter = async (t: number, timeoutMs: number) => {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        const ok = writes.filter((w) => w.status === 200 && w.startedAt >= t).sort((a, b) => a.endedAt - b.endedAt)[0];
        if (ok) return ok.endedAt - t;
        await new Promise((r) => setTimeout(r, 10));
      }
      return -1;
    };

    const load = [...Array.from({ length: FAULTS.pgWriters }, (_, w) => writer(w)), ...Array.from({ length: 2 }, (_, i) => reader(i))];
    const recoveries: number[] = [];
    const downMs: number[] = [];
    for (let r = 0; r < FAULTS.pgRestarts; r++) {
      const before = writes.length;
      while (writes.length < before + FAULTS.pgWriters * 2) await new Promise((res) => setTimeout(res, 10)); // load is flowing
      const downAt = Date.now();
      await stack.pg.stop(r % 2 === 0 ? "fast" : "immediate");
      await stack.pg.start();
      const upAt = Date.now();
      downMs.push(upAt - downAt);
      recoveries.push(await firstWriteAfter(upAt, 60_000));
    }
    const after = writes.length;
    while (writes.length < after + FAULTS.pgWriters * 2) await new Promise((res) => setTimeout(res, 10));
    stop = true;
    await Promise.all(load);

    if (process.env.FAULTS_DEBUG) {
      const t0 = writes[0]?.startedAt ?? 0;
      process.stderr.write(`${writes.map((w) => `${w.key} ${w.status} ${w.startedAt - t0}→${w.endedAt - t0} x${w.attempts} ${w.fiveXx.map((f) => f.body?.error?.message).join("|")}`).join("\n")}\nreads ${JSON.stringify(reads.map((r) => r.status))}\n`);
    }
    const problems: string[] = [];
    if (gateway.child.exitCode !== null || gateway.child.signalCode !== null || gateway.pid !== pid) problems.push("the gateway process did not survive");
    const tasker = taskerWrites(stack.sandbox, since);
    const audit = await auditByKey(stack.adminSql, agent.agentId);
    let duplicates = 0;
    let lost = 0;
    const acked = writes.filter((w) => w.status === 200);
    const unresolved = writes.filter((w) => w.status !== 200);
    for (const w of unresolved) problems.push(`${w.tool} ${w.key} ended ${w.status} after ${w.attempts} attempts`);
    const creates = tasker.filter((t) => t.method === "POST" && /\/work-items\/$/.test(t.path)).length;
    const ackedCreates = acked.filter((w) => w.tool === "create_card").length;
    if (creates !== ackedCreates) problems.push(`${creates} card POSTs for ${ackedCreates} acknowledged create_card keys`);
    duplicates += Math.max(0, creates - ackedCreates);
    lost += Math.max(0, ackedCreates - creates);
    for (const w of acked) {
      if (w.cardId) {
        const posts = tasker.filter((t) => t.method === "POST" && t.path.includes(`/work-items/${w.cardId}/comments/`)).length;
        if (posts !== 1) problems.push(`${posts} comment POSTs for ${w.key}`);
        duplicates += Math.max(0, posts - 1);
        if (posts === 0) lost++;
      }
      if (!audit.get(w.key)?.has("allowed")) {
        lost++;
        problems.push(`${w.tool} ${w.key} acknowledged without its audit event`);
      }
    }
    // Read audits are written off the request path: wait (bounded) until they have landed.
    const okReads = reads.filter((r) => r.status === 200).map((r) => r.requestId);
    let missingReads: string[] = okReads;
    const end = Date.now() + 15_000;
    while (missingReads.length > 0 && Date.now() < end) {
      const rows = await stack.adminSql<{ request_id: string }[]>`SELECT request_id FROM audit_events WHERE request_id = ANY(${missingReads})`;
      const found = new Set(rows.map((x) => x.request_id));
      missingReads = missingReads.filter((id) => !found.has(id));
      if (missingReads.length > 0) await new Promise((r) => setTimeout(r, 200));
    }
    lost += missingReads.length;
    if (missingReads.length) problems.push(`${missingReads.length} of ${okReads.length} acknowledged reads have no audit event`);
    if (recoveries.some((ms) => ms < 0)) problems.push(`no acknowledged write within 60 s of a restart (${recoveries.join(", ")} ms)`);
    const writeFiveXx = writes.flatMap((w) => w.fiveXx);
    const allFiveXx = [...writeFiveXx, ...fiveXx];
    const documented = allFiveXx.filter((r) => r.status === 503).length;
    const notRetryable = allFiveXx.filter((r) => r.body?.error?.retryable !== true);
    if (notRetryable.length) problems.push(`${notRetryable.length} 5xx not marked retryable, e.g. ${JSON.stringify(notRetryable[0]!.body)?.slice(0, 200)}`);

    const slowest = Math.max(...writes.map((w) => w.endedAt - w.startedAt));
    recordFigures({
      scenario: "4 Postgres restarted under load",
      requests: writes.reduce((n, w) => n + w.attempts, 0) + reads.length,
      unexpected5xx: allFiveXx.length - documented,
      documented503: documented,
      duplicates,
      lostEvents: lost,
      recoveryMs: Math.max(...recoveries),
      notes: `${FAULTS.pgRestarts} restart(s) (fast/immediate), down ${downMs.map((m) => `${m} ms`).join(", ")}; ${acked.length} writes and ${okReads.length} reads acked; slowest write ${(slowest / 1000).toFixed(1)} s; the 5xx are 500 internal, retryable`,
    });
    expect(problems.slice(0, 10), `${problems.length} problems`).toEqual([]);
    expect({ duplicates, lost }).toEqual({ duplicates: 0, lost: 0 });
  },
  FAULTS.testTimeoutMs,
);
