/**
 * Scenario 3: Tasker frozen, thawing after the gateway gave up, resetting connections,
 * answering 5xx, and killed mid-call (a TCP proxy cuts every connection and refuses new
 * ones). During the fault every call answers 503 `tasker_unavailable`, retryable, within a
 * bound; afterwards the same writes retried with the same keys succeed, each with exactly
 * one Tasker write (the request log) and its audit event: nothing lost, nothing twice.
 * Last, a Tasker slower than the idempotency lease (DESIGN §9 rule 12).
 */
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestStack, type TestStack } from "../../packages/gateway/src/testing/test-stack";
import { recordFigures } from "./lib/figures";
import { auditByKey, callTool, DEMO, taskerWrites, type CallResult } from "./lib/process-stack";
import { resolveWithRetries } from "./lib/retry";
import { FAULTS } from "./lib/size";
import { startTcpProxy, type TcpProxy } from "./lib/tcp-proxy";

const TIMEOUT_MS = 1_000;
/** A short idempotency lease (IDEMPOTENCY_LEASE_S) so a Tasker slower than it fits in a test. */
const IDEMPOTENCY_LEASE_S = 3;
/** Reads are retried a bounded number of times; a frozen Tasker must still answer by then. */
const ANSWER_BOUND_MS = 4 * TIMEOUT_MS + 3_000;

let stack: TestStack;
let proxy: TcpProxy;
let token: string;
let agentId: string;

beforeAll(async () => {
  let sandboxPort = 0;
  proxy = await startTcpProxy(() => sandboxPort);
  stack = await startTestStack({ env: { TASKER_API_URL: proxy.url, TASKER_TIMEOUT_MS: String(TIMEOUT_MS), LOG_LEVEL: "warn" } });
  sandboxPort = stack.sandbox.port;
  const { agent } = await stack.createAgent(FIXTURE.users.demoOwner.email, "Tasker faults agent");
  agentId = agent.id;
  await stack.grant(agent.id, "DEMO", ["cards:read", "cards:write", "comments:write"]);
  token = (await stack.issueToken(agent.id)).token;
});
afterAll(async () => {
  await stack?.close();
  await proxy?.close();
});

interface Write {
  key: string;
  tool: "create_card" | "add_comment";
  args: Record<string, unknown>;
  cardId: string | null;
}

async function humanCard(name: string): Promise<string> {
  const res = await fetch(`${stack.sandbox.url}/api/v1/workspaces/nodedc/projects/${DEMO}/work-items/`, {
    method: "POST",
    headers: { "X-Api-Key": stack.sandbox.keys.demoOwner, "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  });
  return ((await res.json()) as { id: string }).id;
}

async function writesFor(mode: string): Promise<Write[]> {
  const out: Write[] = [];
  for (let i = 0; i < FAULTS.taskerFaultCalls; i++) {
    const key = `tasker-${mode}-${i}-${Math.random().toString(36).slice(2, 10)}`;
    if (i % 2 === 0) out.push({ key, tool: "create_card", args: { project_id: DEMO, title: `${mode} ${key}` }, cardId: null });
    else {
      const cardId = await humanCard(`target ${key}`);
      out.push({ key, tool: "add_comment", args: { project_id: DEMO, card_id: cardId, body_markdown: `${mode} ${key}` }, cardId });
    }
  }
  return out;
}

const gateway = () => stack.gatewayUrl;
const call = (w: Write) => callTool(gateway(), token, w.tool, w.args, w.key, 60_000);

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Outcome {
  during: CallResult[];
  slowest: number;
  recoveryMs: number;
  requests: number;
  problems: string[];
  duplicates: number;
  lost: number;
}

/** Runs the writes and a read under `inject`, then `heal`, then resolves every write. */
/** A read in the fault: "start" with the writes, "after" `whileFaulty` (Tasker already dead), or none (only writes are faulted). */
async function underFault(mode: string, inject: () => void, heal: () => Promise<void>, read: "start" | "after" | "none", whileFaulty?: () => Promise<void>): Promise<Outcome> {
  const writes = await writesFor(mode);
  const since = stack.sandbox.requestLog.lastSeq;
  inject();
  const started = Date.now();
  const timed = (p: Promise<CallResult>) => p.then((r) => ({ r, ms: Date.now() - started }));
  const getCard = () => callTool(gateway(), token, "get_card", { project_id: DEMO, card: "DEMO-1" }, undefined, 60_000);
  const pending = writes.map((w) => call(w));
  if (read === "start") pending.push(getCard());
  if (whileFaulty) await whileFaulty();
  if (read === "after") pending.push(getCard());
  const settled = await Promise.all(pending.map(timed));
  const problems: string[] = [];
  for (const { r, ms } of settled) {
    const e = r.body?.error;
    if (r.status !== 503 || e?.code !== "tasker_unavailable" || e?.retryable !== true) problems.push(`${mode}: during the fault got ${r.status} ${JSON.stringify(r.body)?.slice(0, 160)}`);
    if (ms > ANSWER_BOUND_MS) problems.push(`${mode}: an answer took ${ms} ms (bound ${ANSWER_BOUND_MS})`);
  }
  await heal();
  const healedAt = Date.now();
  let firstOk = 0;
  const resolved = await Promise.all(
    writes.map(async (w) => {
      const r = await resolveWithRetries(() => call(w), 60_000);
      if (r.result.status === 200 && !firstOk) firstOk = Date.now();
      return r;
    }),
  );
  const tasker = taskerWrites(stack.sandbox, since);
  const audit = await auditByKey(stack.sql, agentId);
  let duplicates = 0;
  let lost = 0;
  const creates = tasker.filter((t) => t.method === "POST" && /\/work-items\/$/.test(t.path)).length;
  const createKeys = writes.filter((w) => w.tool === "create_card").length;
  if (creates > createKeys) {
    duplicates += creates - createKeys;
    problems.push(`${mode}: ${creates} card POSTs for ${createKeys} create_card keys`);
  }
  writes.forEach((w, i) => {
    const r = resolved[i]!.result;
    if (r.status !== 200) problems.push(`${mode}: ${w.key} ended ${r.status} ${JSON.stringify(r.body)?.slice(0, 160)}`);
    if (w.cardId) {
      const posts = tasker.filter((t) => t.method === "POST" && t.path.includes(`/work-items/${w.cardId}/comments/`)).length;
      if (posts !== 1) problems.push(`${mode}: ${posts} comment POSTs for ${w.key}`);
      if (posts > 1) duplicates += posts - 1;
      if (posts === 0 && r.status === 200) lost++;
    }
    if (r.status === 200 && !audit.get(w.key)?.has("allowed")) {
      lost++;
      problems.push(`${mode}: ${w.key} acknowledged without its audit event`);
    }
  });
  if (creates < createKeys) {
    lost += createKeys - creates;
    problems.push(`${mode}: ${creates} card POSTs for ${createKeys} acknowledged create_card keys`);
  }
  return {
    during: settled.map((s) => s.r),
    slowest: Math.max(...settled.map((s) => s.ms)),
    recoveryMs: firstOk ? firstOk - healedAt : -1,
    requests: settled.length + resolved.reduce((n, r) => n + r.attempts, 0),
    problems,
    duplicates,
    lost,
  };
}

function record(scenario: string, o: Outcome, note: string): void {
  const documented = o.during.filter((r) => r.status === 503 && r.body?.error?.code === "tasker_unavailable").length;
  recordFigures({
    scenario,
    requests: o.requests,
    unexpected5xx: o.during.filter((r) => r.status >= 500).length - documented,
    documented503: documented,
    duplicates: o.duplicates,
    lostEvents: o.lost,
    recoveryMs: o.recoveryMs,
    notes: `${note}; slowest answer during the fault ${o.slowest} ms`,
  });
}

const WRITE_PATH = "/work-items/";

it("Tasker frozen (no answer at all) → 503 within the timeout bound; nothing lost after it thaws", async () => {
  const o = await underFault("frozen", () => stack.sandbox.faults.add({ mode: "hang" }), async () => stack.sandbox.faults.clear(), "start");
  record("3a Tasker frozen", o, `timeout ${TIMEOUT_MS} ms`);
  expect(o.problems).toEqual([]);
}, FAULTS.testTimeoutMs);

it("Tasker answers only after the gateway gave up (the write lands late) → 503; the retry reconciles, no second write", async () => {
  const o = await underFault(
    "late",
    () => stack.sandbox.faults.add({ mode: "latency", method: "POST", path: WRITE_PATH, latencyMs: TIMEOUT_MS + 500 }),
    async () => {
      // the late writes have landed (the sandbox logs a request when it has answered it)
      await until("the late writes to land", () => stack.sandbox.requestLog.since(0).filter((e) => e.fault === "latency").length >= FAULTS.taskerFaultCalls);
      stack.sandbox.faults.clear();
    },
    "none",
  );
  record("3b Tasker thaws late", o, "every write landed after its 503");
  expect(o.problems).toEqual([]);
}, FAULTS.testTimeoutMs);

it("Tasker resets connections and answers 502 → 503; nothing lost, nothing twice", async () => {
  const drop = await underFault("reset", () => stack.sandbox.faults.add({ mode: "drop" }), async () => stack.sandbox.faults.clear(), "start");
  record("3c Tasker resets connections", drop, "TCP reset, no answer");
  const bad = await underFault("502", () => stack.sandbox.faults.add({ mode: "error", status: 502 }), async () => stack.sandbox.faults.clear(), "start");
  record("3d Tasker answers 502", bad, "Plane's 5xx body");
  expect([...drop.problems, ...bad.problems]).toEqual([]);
}, FAULTS.testTimeoutMs);

it("Tasker killed mid-call (connections cut, port refused, restarted with its data) → 503; nothing lost, nothing twice", async () => {
  const before = stack.sandbox.requestLog.since(0).filter((e) => e.fault === "latency").length;
  let rule = 0;
  const o = await underFault(
    "killed",
    () => {
      rule = stack.sandbox.faults.add({ mode: "latency", method: "POST", path: WRITE_PATH, latencyMs: 400 }).id;
    },
    async () => {
      await until("the cut writes to land in Tasker", () => stack.sandbox.requestLog.since(0).filter((e) => e.fault === "latency").length - before >= FAULTS.taskerFaultCalls);
      stack.sandbox.faults.clear();
      await proxy.revive();
    },
    "after",
    async () => {
      // every write is inside Tasker when it dies: its handler has taken the fault rule
      await until("the writes to reach Tasker", () => (stack.sandbox.faults.list().find((f) => f.id === rule)?.fired ?? 0) >= FAULTS.taskerFaultCalls);
      await proxy.kill();
    },
  );
  record("3e Tasker killed mid-call", o, "writes landed, answers lost");
  expect(o.problems).toEqual([]);
}, FAULTS.testTimeoutMs);

it(`a Tasker write slower than the ${IDEMPOTENCY_LEASE_S} s idempotency lease is still written once when the client retries meanwhile`, async () => {
  const local = await startTestStack({ env: { TASKER_TIMEOUT_MS: "30000", IDEMPOTENCY_LEASE_S: String(IDEMPOTENCY_LEASE_S), LOG_LEVEL: "warn" } });
  try {
    const { agent } = await local.createAgent(FIXTURE.users.demoOwner.email, "Slow Tasker agent");
    await local.grant(agent.id, "DEMO", ["cards:read", "comments:write"]);
    const slowToken = (await local.issueToken(agent.id)).token;
    const card = FIXTURE.cards.demo2;
    const key = `slow-tasker-${Math.random().toString(36).slice(2, 12)}`;
    const args = { project_id: DEMO, card_id: card, body_markdown: "slower than the lease" };
    const since = local.sandbox.requestLog.lastSeq;
    local.sandbox.faults.add({ mode: "latency", method: "POST", path: "/comments/$", latencyMs: (IDEMPOTENCY_LEASE_S + 5) * 1000, times: 1 });
    const first = callTool(local.gatewayUrl, slowToken, "add_comment", args, key, 120_000);
    // The scenario itself is timed: the client retries once the first call has run past the lease.
    await new Promise((r) => setTimeout(r, (IDEMPOTENCY_LEASE_S + 2) * 1000));
    const retry = await callTool(local.gatewayUrl, slowToken, "add_comment", args, key, 120_000);
    const firstResult = await first;
    const after = await resolveWithRetries(() => callTool(local.gatewayUrl, slowToken, "add_comment", args, key, 120_000), 30_000);
    const posts = taskerWrites(local.sandbox, since).filter((t) => t.path.includes(`/work-items/${card}/comments/`)).length;
    recordFigures({
      scenario: "3f Tasker slower than the lease",
      requests: 2 + after.attempts,
      unexpected5xx: [retry, firstResult, after.result].filter((r) => r.status >= 500).length,
      documented503: 0,
      duplicates: Math.max(0, posts - 1),
      lostEvents: posts === 0 ? 1 : 0,
      recoveryMs: null,
      notes: `retry at ${IDEMPOTENCY_LEASE_S + 2} s got ${retry.status}; first call ${firstResult.status}`,
    });
    expect({ posts, first: firstResult.status, final: after.result.status }).toEqual({ posts: 1, first: 200, final: 200 });
  } finally {
    await local.close();
  }
}, FAULTS.testTimeoutMs);
