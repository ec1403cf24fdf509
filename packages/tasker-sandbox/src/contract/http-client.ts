/** Test support for the contract tests: a real sandbox on port 0, talked to with fetch. */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startTaskerSandbox, type SandboxHandle } from "../server";
import type { SandboxOptions } from "../sandbox";

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined for an empty/non-JSON body. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
  method?: string;
  /** API key; `null` sends no header. */
  key?: string | null;
  body?: unknown;
  /** A Uint8Array is sent without any Content-Type (a string gets text/plain from fetch). */
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export const WS = "/api/v1/workspaces/nodedc";

export function useHttpSandbox(options: SandboxOptions = {}, opts: { resetEach?: boolean } = { resetEach: true }) {
  let sb: SandboxHandle | undefined;
  beforeAll(async () => {
    sb = await startTaskerSandbox({ port: 0, ...options });
  });
  if (opts.resetEach !== false)
    beforeEach(() => {
      sb?.reset();
    });
  afterAll(async () => {
    await sb?.close();
  });
  const handle = () => {
    if (!sb) throw new Error("sandbox not started");
    return sb;
  };
  async function call(path: string, o: CallOptions = {}): Promise<ApiResponse> {
    const s = handle();
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? s.keys.service : o.key;
    if (key !== null) headers["X-Api-Key"] = key;
    let body: string | Uint8Array | undefined;
    if (o.rawBody !== undefined) body = o.rawBody;
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers["Content-Type"] ??= "application/json";
    }
    const res = await fetch(`${s.url}${path}`, { method: o.method ?? "GET", headers, body, redirect: "manual" });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === "" ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed };
  }
  return {
    get sb(): SandboxHandle {
      return handle();
    },
    call,
  };
}
