/**
 * Added latency of the gateway over direct sandbox calls, for get_card and create_card:
 *   DATABASE_URL=postgres://… npx tsx packages/gateway/scripts/bench-tools.ts [iterations]
 * Sequential calls on loopback, one warm keep-alive connection each way. "direct" sends the
 * same upstream requests the gateway's handler sends (get_card: work item, then comments and
 * activities in parallel; create_card: one POST), so the difference is the gateway's own cost:
 * auth, grant and membership check (cached), rate limits, validation, idempotency, audit.
 */
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { startTestStack } from "../src/testing/test-stack";

const N = Number(process.argv[2] ?? 300);
const DEMO = FIXTURE.projects.demo.id;
const CARD = FIXTURE.cards.demo1;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(n: number, fn: (i: number) => Promise<void>): Promise<{ p50: number; p99: number; perS: number }> {
  for (let i = 0; i < 20; i++) await fn(-1 - i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  const total = (performance.now() - started) / 1000;
  return { p50: pct(samples, 50), p99: pct(samples, 99), perS: n / total };
}

const stack = await startTestStack({ env: { LOG_LEVEL: "warn" } });
try {
  const { agent } = await stack.createAgent(FIXTURE.users.demoOwner.email, "bench");
  await stack.grant(agent.id, "DEMO", ["cards:read", "cards:write"]);
  const { token } = await stack.issueToken(agent.id);
  const sb = `${stack.sandbox.url}/api/v1/workspaces/nodedc/projects/${DEMO}`;
  const key = stack.sandbox.keys.service;
  const direct = (path: string, init: RequestInit = {}) =>
    fetch(`${sb}${path}`, { ...init, headers: { "X-Api-Key": key, "Content-Type": "application/json", ...init.headers } }).then(async (r) => {
      await r.arrayBuffer();
      if (r.status >= 300) throw new Error(`direct ${path}: ${r.status}`);
    });
  const tool = (name: string, args: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.gatewayUrl}/api/v1/tools/${name}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
      body: JSON.stringify({ arguments: args }),
    }).then(async (r) => {
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`tool ${name}: ${r.status}`);
    });

  const getDirect = await time(N, async () => {
    await direct(`/work-items/${CARD}/`);
    await Promise.all([direct(`/work-items/${CARD}/comments/?per_page=10`), direct(`/work-items/${CARD}/activities/?per_page=100`)]);
  });
  const getGateway = await time(N, () => tool("get_card", { project_id: DEMO, card: CARD }));
  const run = Date.now();
  const createDirect = await time(N, (i) => direct(`/work-items/`, { method: "POST", body: JSON.stringify({ name: `direct ${run} ${i}` }) }));
  const createGateway = await time(N, (i) => tool("create_card", { project_id: DEMO, title: `gw ${run} ${i}` }, { "Idempotency-Key": `bench-${run}-${i}` }));

  const row = (name: string, d: { p50: number; p99: number; perS: number }, g: { p50: number; p99: number; perS: number }) =>
    `${name.padEnd(12)} direct p50 ${d.p50.toFixed(2)} ms p99 ${d.p99.toFixed(2)} ms (${d.perS.toFixed(0)}/s) | gateway p50 ${g.p50.toFixed(2)} ms p99 ${g.p99.toFixed(2)} ms (${g.perS.toFixed(0)}/s) | added p50 ${(g.p50 - d.p50).toFixed(2)} ms p99 ${(g.p99 - d.p99).toFixed(2)} ms`;
  process.stdout.write(`database: ${stack.database.kind}, ${N} sequential calls each\n`);
  process.stdout.write(`${row("get_card", getDirect, getGateway)}\n${row("create_card", createDirect, createGateway)}\n`);
} finally {
  await stack.close();
}
