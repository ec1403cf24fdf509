/**
 * In-process micro-benchmark of agent-token verification and of GET /api/v1/agent-session.
 *
 *   cd packages/gateway && npx tsx scripts/bench-token.ts            # embedded PGlite
 *   DATABASE_URL=postgres://… npx tsx scripts/bench-token.ts          # a real Postgres
 *
 * Prints:
 *  1. the CPU part of token verification (format + CRC32 check, HMAC-SHA256) — p50/p99;
 *  2. the whole agent-auth middleware in-process (one indexed query) via app.request — p50/p99;
 *  3. requests/s of GET /api/v1/agent-session over loopback HTTP (autocannon, 50 connections).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import { isWellFormedAgentToken, ROUTES } from "@nodedc/shared";
import { hashAgentToken } from "../src/tokens/secret-hash";
import { startTestStack } from "../src/testing/test-stack";

const require = createRequire(import.meta.url);
/** autocannon runs as its own process so it does not share the gateway's event loop. */
async function autocannon(url: string, headers: Record<string, string>, connections: number, seconds: number) {
  const bin = require.resolve("autocannon/autocannon.js");
  const args = [bin, "--json", "-c", String(connections), "-d", String(seconds), ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}=${v}`]), url];
  const { stdout } = await promisify(execFile)(process.execPath, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; non2xx: number; errors: number };
}

function percentiles(samples: number[]): { p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((s, x) => s + x, 0) / sorted.length };
}
const fmt = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;

const stack = await startTestStack({ countQueries: false });
try {
  const { agent } = await stack.createAgent("demo.owner@nodedc.local", "bench");
  await stack.grant(agent.id, "DEMO", ["cards:read", "cards:write"]);
  const { token } = await stack.issueToken(agent.id);
  const pepper = stack.config.tokenPepper;
  const db = stack.database.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : "embedded PGlite";
  process.stdout.write(`database: ${db}\n`);

  // 1. CPU part
  const cpu: number[] = [];
  for (let i = 0; i < 20_000; i++) {
    const t0 = performance.now();
    if (!isWellFormedAgentToken(token)) throw new Error("token not well formed");
    hashAgentToken(pepper, token);
    cpu.push(performance.now() - t0);
  }
  const c = percentiles(cpu.slice(2000));
  process.stdout.write(`token check, CPU only (format+CRC32+HMAC): p50 ${fmt(c.p50)}  p99 ${fmt(c.p99)}  (n=${cpu.length - 2000})\n`);

  // 2. whole request in-process (middleware + one query + handler + audit row)
  const headers = { Authorization: `Bearer ${token}` };
  const full: number[] = [];
  for (let i = 0; i < 1500; i++) {
    const t0 = performance.now();
    const res = await stack.app.request(ROUTES.agentSession, { headers });
    await res.arrayBuffer();
    full.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`agent-session answered ${res.status}`);
  }
  const f = percentiles(full.slice(300));
  process.stdout.write(`GET /agent-session in-process (auth query + audit insert): p50 ${(f.p50).toFixed(3)} ms  p99 ${(f.p99).toFixed(3)} ms\n`);

  // 3. loopback HTTP throughput
  const result = await autocannon(`${stack.gatewayUrl}${ROUTES.agentSession}`, headers, 50, 10);
  process.stdout.write(
    `GET /agent-session over HTTP (50 connections, 10 s): ${result.requests.average.toFixed(0)} req/s  ` +
      `latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms  non-2xx ${result.non2xx} errors ${result.errors}\n`,
  );
} finally {
  await stack.close();
}
