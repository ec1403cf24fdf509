/** Helpers of the tools' integration tests: the gateway's real test stack, agents with grants, a tool caller. */
import { randomUUID } from "node:crypto";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import type { Scope } from "@nodedc/shared";
import { expect } from "vitest";
import { startTestStack, type TestStack, type TestStackOptions } from "../../testing/test-stack";
import { isAllowedTaskerCall } from "../../tasker/sandbox.test-support";

export const DEMO = FIXTURE.projects.demo.id;
export const OPS = FIXTURE.projects.ops.id;
export const SECRET = FIXTURE.projects.secret.id;
export const OWNER_EMAIL = FIXTURE.users.demoOwner.email;

export interface ToolAgent {
  id: string;
  token: string;
  tokenId: string;
  ownerJwt: string;
}

/** Parsed JSON of an answer; tests read arbitrary paths of it, so it is deliberately loose. */
export type AnyJson = any;

export interface CallResult {
  status: number;
  body: AnyJson;
  text: string;
  headers: Headers;
}

export async function startToolStack(options: TestStackOptions = {}) {
  const stack = await startTestStack(options);
  const agentWith = async (grants: { project: "DEMO" | "OPS" | "SECRET"; scopes: Scope[] }[], name = "Anna's Codex", email: string = OWNER_EMAIL): Promise<ToolAgent> => {
    const { agent, ownerJwt } = await stack.createAgent(email, name);
    for (const g of grants) await stack.grant(agent.id, g.project, g.scopes);
    const { token, token_id } = await stack.issueToken(agent.id);
    return { id: agent.id, token, tokenId: token_id, ownerJwt };
  };
  const call = async (agent: ToolAgent | string, tool: string, args: unknown, init: { key?: string; headers?: Record<string, string>; rawBody?: string } = {}): Promise<CallResult> => {
    const token = typeof agent === "string" ? agent : agent.token;
    const res = await stack.http("POST", `/api/v1/tools/${tool}`, {
      bearer: token,
      body: init.rawBody ?? { arguments: args },
      headers: { ...(init.key ? { "Idempotency-Key": init.key } : {}), ...init.headers },
    });
    const text = await res.text();
    let body: AnyJson = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body, text, headers: res.headers };
  };
  return { stack, agentWith, call };
}

export type ToolStack = Awaited<ReturnType<typeof startToolStack>>;

export const FULL: Scope[] = ["cards:read", "cards:write", "comments:write", "sessions:report"];

export function freshKey(prefix = "k"): string {
  return `${prefix}-${randomUUID()}`;
}

/** The sandbox saw no DELETE and nothing from the gateway's key outside the adapter's allowlist. */
export function expectOnlyAllowlistedTaskerCalls(stack: TestStack): void {
  expect(stack.sandbox.requestLog.count({ method: "DELETE" })).toBe(0);
  const outside = stack.sandbox.requestLog
    .entries({ keyLabel: "service" })
    .filter((r) => !isAllowedTaskerCall(r.method, r.path))
    .map((r) => `${r.method} ${r.path}`);
  expect(outside).toEqual([]);
}

/** Creates a card the way a human would (the owner's own Plane key), bypassing the gateway. */
export async function humanCreatesCard(stack: TestStack, projectId: string, name: string, descriptionHtml: string): Promise<{ id: string; sequence_id: number }> {
  const res = await fetch(`${stack.sandbox.url}/api/v1/workspaces/nodedc/projects/${projectId}/work-items/`, {
    method: "POST",
    headers: { "X-Api-Key": stack.sandbox.keys.demoOwner, "Content-Type": "application/json" },
    body: JSON.stringify({ name, description_html: descriptionHtml }),
  });
  if (res.status !== 201) throw new Error(`human create failed ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; sequence_id: number };
}
