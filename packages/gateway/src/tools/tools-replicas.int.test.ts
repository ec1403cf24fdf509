import { afterAll, beforeAll, expect, it } from "vitest";
import { buildApp } from "../app";
import { connect } from "../db/database";
import { createLogger, createMemoryLogDestination } from "../observability/logger";
import { listen, type ListeningServer } from "../server";
import { createTaskerAdapter, type TaskerAdapterWithClose } from "../tasker/index";
import { DEMO, FULL, expectOnlyAllowlistedTaskerCalls, freshKey, startToolStack, type ToolAgent, type ToolStack } from "./testing/tool-stack.test-support";

/** Two gateway processes' worth of state (pool, adapter, app, socket) on ONE database. */
let t: ToolStack;
let agent: ToolAgent;
let second: { server: ListeningServer; adapter: TaskerAdapterWithClose; close(): Promise<void> };

beforeAll(async () => {
  t = await startToolStack();
  agent = await t.agentWith([{ project: "DEMO", scopes: FULL }]);
  const sql = connect(t.stack.database.url, { max: 10, ...(t.stack.database.role ? { connection: { role: t.stack.database.role } as Record<string, string> } : {}) });
  const adapter = createTaskerAdapter({
    baseUrl: t.stack.sandbox.url,
    apiKey: t.stack.config.tasker.apiKey,
    workspaceSlug: t.stack.config.tasker.workspaceSlug,
    rateLimitPerMin: 100_000,
  });
  const { app } = buildApp({ sql, config: t.stack.config, logger: createLogger({ destination: createMemoryLogDestination() }), adapter });
  const server = await listen((req) => app.fetch(req), "127.0.0.1", 0);
  second = {
    server,
    adapter,
    async close() {
      await server.close();
      await adapter.close();
      await sql.end({ timeout: 5 });
    },
  };
});
afterAll(async () => {
  await second?.close();
  if (t) expectOnlyAllowlistedTaskerCalls(t.stack);
  await t?.stack.close();
});

async function createVia(url: string, key: string, title: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/api/v1/tools/create_card`, {
    method: "POST",
    headers: { Authorization: `Bearer ${agent.token}`, "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify({ arguments: { project_id: DEMO, title } }),
  });
  return { status: res.status, text: await res.text() };
}

it("20 parallel identical create_card across two gateways on one database → exactly one card, identical answers", async () => {
  const key = freshKey("replicas");
  const title = `replicas ${key}`;
  const posts = t.stack.sandbox.requestLog.count({ method: "POST" });
  const urls = [t.stack.gatewayUrl, second.server.url];
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => createVia(urls[i % 2]!, key, title)));
  expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
  expect(new Set(results.map((r) => r.text)).size).toBe(1);
  expect(t.stack.sandbox.store.visibleWorkItems(DEMO).filter((i) => i.name === title)).toHaveLength(1);
  expect(t.stack.sandbox.requestLog.count({ method: "POST" }) - posts).toBe(1);
});
