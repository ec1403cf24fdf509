/** Helpers for the adapter's integration tests: a real sandbox over real HTTP, no mocks. */

import { afterAll, afterEach, beforeAll, expect } from "vitest";
import { startTaskerSandbox } from "@nodedc/tasker-sandbox";
import { createTaskerAdapter, type TaskerAdapterConfig, type TaskerAdapterWithClose } from "./adapter.js";
import type { TaskerCallEvent } from "./adapter-core.js";
import type { CallContext } from "./types.js";
import { TaskerError } from "./errors.js";

export type Sandbox = Awaited<ReturnType<typeof startTaskerSandbox>>;

const U = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const WS = "^/api/v1/workspaces/[a-z0-9_-]+";
const WI = "(work-items|issues)";

/** docs/TASKER_API_AUDIT.md as data: every request the adapter may send (method, path). */
export const ALLOWED_TASKER_CALLS: ReadonlyArray<[string, RegExp]> = [
  ["GET", new RegExp(`${WS}/projects/$`)],
  ["GET", new RegExp(`${WS}/projects/${U}/$`)],
  ["GET", new RegExp(`${WS}/projects/${U}/(states|labels|members)/$`)],
  ["GET", new RegExp(`${WS}/members/$`)],
  ["GET", /^\/api\/v1\/users\/me\/$/],
  ["GET", new RegExp(`${WS}/${WI}/search/$`)],
  ["GET", new RegExp(`${WS}/${WI}/[A-Z0-9]{1,12}-[0-9]+/$`)],
  ["GET", new RegExp(`${WS}/projects/${U}/${WI}/$`)],
  ["POST", new RegExp(`${WS}/projects/${U}/${WI}/$`)],
  ["GET", new RegExp(`${WS}/projects/${U}/${WI}/${U}/$`)],
  ["PATCH", new RegExp(`${WS}/projects/${U}/${WI}/${U}/$`)],
  ["GET", new RegExp(`${WS}/projects/${U}/${WI}/${U}/(comments|activities)/$`)],
  ["POST", new RegExp(`${WS}/projects/${U}/${WI}/${U}/comments/$`)],
];

export function isAllowedTaskerCall(method: string, path: string): boolean {
  return ALLOWED_TASKER_CALLS.some(([m, re]) => m === method && re.test(path));
}

/** Awaits a call that must fail and returns its TaskerError (fails the test otherwise). */
export async function rejection(p: Promise<unknown>): Promise<TaskerError> {
  const e = await p.then(
    () => {
      throw new Error("expected a TaskerError");
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(TaskerError);
  return e as TaskerError;
}

export function ctx(agent = "agent-a"): CallContext {
  return { agent_id: agent, request_id: `req-${agent}` };
}

/**
 * Starts one sandbox for the file, closes every adapter after each test, and checks after
 * each test that the sandbox never saw a DELETE or a PUT (DESIGN §9 rule 1).
 */
export function useSandbox(options: Parameters<typeof startTaskerSandbox>[0] = { port: 0 }) {
  const state: { sb: Sandbox; adapters: TaskerAdapterWithClose[] } = { sb: undefined as unknown as Sandbox, adapters: [] };
  beforeAll(async () => {
    state.sb = await startTaskerSandbox(options);
  });
  afterEach(async () => {
    await Promise.all(state.adapters.splice(0).map((a) => a.close()));
    state.sb.faults.clear();
    expect(state.sb.requestLog.count({ method: "DELETE" })).toBe(0);
    expect(state.sb.requestLog.count({ method: "PUT" })).toBe(0);
    const outside = state.sb.requestLog.entries().filter((r) => !isAllowedTaskerCall(r.method, r.path));
    expect(outside.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });
  afterAll(async () => {
    await state.sb?.close();
  });

  return {
    get sb(): Sandbox {
      return state.sb;
    },
    adapter(overrides: Partial<TaskerAdapterConfig> = {}, events?: TaskerCallEvent[]): TaskerAdapterWithClose {
      const a = createTaskerAdapter({
        baseUrl: state.sb.url,
        apiKey: state.sb.keys.service,
        workspaceSlug: state.sb.workspaceSlug,
        ...(events ? { onCall: (e: TaskerCallEvent) => void events.push(e) } : {}),
        ...overrides,
      });
      state.adapters.push(a);
      return a;
    },
    /** Runs `fn` and returns what it produced (or threw) and the requests the sandbox logged meanwhile. */
    async requestsDuring<T>(fn: () => Promise<T>) {
      const from = state.sb.requestLog.lastSeq;
      let value: T | undefined;
      let error: unknown;
      try {
        value = await fn();
      } catch (e) {
        error = e;
      }
      return { value, error, requests: state.sb.requestLog.since(from) };
    },
  };
}
