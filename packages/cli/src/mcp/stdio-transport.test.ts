import { PassThrough } from "node:stream";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolResultSchema, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { GatewayError, type GatewayClient } from "../gateway-client/gateway-client";
import { buildMcpServer } from "./server";
import { FastStdioTransport, plainToolCall } from "./stdio-transport";
import { errorResult, successResult } from "./tool-calls";
import { answerInitializeEarly } from "./early-initialize";

const parseMessage = (value: unknown) => JSONRPCMessageSchema.parse(value);
const CARD = { id: "3f1c0b9e-0000-4000-8000-000000000001", title: "Ünïcode \"quoted\" \\ card", comments: [{ body: "line\nbreak" }], n: 1.5 };

/** A gateway stand-in: callTool answers by tool name; counts calls. */
function fakeGateway(answers: Record<string, () => Promise<{ body: unknown; replayed: boolean }>>): GatewayClient & { calls: number } {
  const gateway = {
    calls: 0,
    baseUrl: "http://gateway.test",
    callTool: async (name: string) => {
      gateway.calls++;
      const a = await answers[name]!();
      return { status: 200, headers: { get: () => null }, ...a };
    },
  };
  return gateway as unknown as GatewayClient & { calls: number };
}

const answers = {
  get_card: async () => ({ body: { result: CARD }, replayed: false }),
  create_card: async () => ({ body: { result: CARD }, replayed: true }),
  update_card: async () => {
    throw new GatewayError("validation_failed", "title is too long", 422, "req_1", false, null, null);
  },
};

/** Runs `lines` through a fresh server on the given transport; returns what it wrote, line by line. */
async function exchange(kind: "fast" | "sdk", lines: string[], settle = 4): Promise<string[]> {
  const { server, callTool } = buildMcpServer({
    gateway: fakeGateway(answers),
    gatewayUrl: "http://gateway.test",
    notConfigured: "not paired",
    knownGrants: [],
    cache: { read: async () => null, write: async () => undefined },
    log: () => undefined,
  });
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let out = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  await server.connect(kind === "fast" ? new FastStdioTransport(stdin, stdout, callTool, { parseMessage }) : new StdioServerTransport(stdin, stdout));
  for (const line of lines) stdin.write(`${line}\n`);
  for (let i = 0; i < settle; i++) await new Promise((resolve) => setImmediate(resolve));
  await server.close();
  return out.split("\n").filter(Boolean);
}

const call = (id: number | string, name: string, args?: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params: { name, ...(args === undefined ? {} : { arguments: args }), ...extra } });

describe("the stdio transport's tools/call fast path", () => {
  it("writes byte for byte what the SDK's own transport and Server write", async () => {
    const lines = [
      call(1, "get_card", { project_id: "p", card: "DEMO-1" }),
      call("two", "create_card", { title: "t" }),
      call(3, "update_card", {}),
      call(4, "no_such_tool"),
      call(5, "get_card", { card: "x" }, { _meta: { progressToken: 9 } }),
    ];
    const fast = await exchange("fast", lines);
    const sdk = await exchange("sdk", lines);
    expect(fast).toHaveLength(5);
    expect(new Set(fast)).toEqual(new Set(sdk));
  });

  it("answers plain calls itself and hands everything else to the SDK", () => {
    expect(plainToolCall(JSON.parse(call(1, "get_card", { a: 1 })))).toEqual({ id: 1, name: "get_card", args: { a: 1 } });
    expect(plainToolCall(JSON.parse(call("x", "whoami")))).toEqual({ id: "x", name: "whoami", args: {} });
    for (const other of [
      call(1, "get_card", {}, { _meta: { progressToken: 1 } }),
      call(1, "get_card", {}, { task: { ttl: 1000 } }),
      call(1.5, "get_card", {}),
      call(1, "get_card", [1]),
      call(1, "get_card", null),
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: 7 } }),
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call" }),
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "a" }, extra: true }),
      JSON.stringify({ jsonrpc: "1.0", id: 1, method: "tools/call", params: { name: "a" } }),
      JSON.stringify({ jsonrpc: "2.0", method: "tools/call", params: { name: "a" } }),
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","arguments":{"__proto__":{"x":1}}}}',
    ]) {
      expect(plainToolCall(JSON.parse(other)), other).toBeNull();
    }
  });

  it("drops the answer of a call cancelled while in flight, as the SDK does", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (c: Buffer) => (out += c.toString()));
    const transport = new FastStdioTransport(
      stdin,
      stdout,
      async () => {
        await held;
        return errorResult("late");
      },
      { parseMessage },
    );
    const seen: unknown[] = [];
    transport.onmessage = (m) => seen.push(m);
    await transport.start();
    stdin.write(`${call(1, "get_card", {})}\n${call(2, "get_card", {})}\n`);
    stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, reason: "user" } })}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    release();
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(out.split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([2]);
    // the SDK still sees the notification (and never the calls)
    expect(seen).toEqual([{ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 1, reason: "user" } }]);
  });

  it("splits messages across chunks and CRLF like the SDK's reader, and reports bad JSON", async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const transport = new FastStdioTransport(stdin, stdout, async () => errorResult("x"), { parseMessage });
    const seen: unknown[] = [];
    const errors: Error[] = [];
    transport.onmessage = (m) => seen.push(m);
    transport.onerror = (e) => errors.push(e);
    await transport.start();
    const ping = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "ping", params: { text: "é" } });
    const bytes = Buffer.from(`${ping}\r\nnot json\n`);
    const cut = bytes.indexOf(0xa9); // inside the two bytes of "é"
    stdin.write(bytes.subarray(0, cut));
    stdin.write(bytes.subarray(cut));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([JSON.parse(ping)]);
    expect(errors).toHaveLength(1);
  });

  it("builds results the SDK's schema leaves as they are (same keys, same order)", () => {
    for (const result of [successResult(CARD, false), successResult(CARD, true), errorResult("Do this next.")]) {
      expect(JSON.stringify(CallToolResultSchema.parse(result))).toBe(JSON.stringify(result));
    }
  });

  it("after the early initialize, reads stdin without the forwarding hop and keeps the order", async () => {
    const stdin = new PassThrough();
    const out = new PassThrough();
    let stdout = "";
    out.on("data", (c: Buffer) => (stdout += c.toString()));
    const early = answerInitializeEarly(stdin, out, () => undefined);
    const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } } });
    stdin.write(`${init}\n${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
    await early.firstMessage;
    let forwardedAfter = 0;
    const transport = new FastStdioTransport(early.stdin, early.stdout, async (name) => errorResult(name), { parseMessage, route: early.route, fastOut: early.rawStdout });
    const seen: Array<{ id?: unknown; method?: string }> = [];
    transport.onmessage = (m) => seen.push(m as { id?: unknown; method?: string });
    transport.listen();
    await new Promise((resolve) => setImmediate(resolve));
    early.stdin.on("data", () => forwardedAfter++);
    stdin.write(`${call(2, "first")}\n${JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping" })}\n`);
    stdin.write(`${call(4, "second")}\n`);
    await transport.start();
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(forwardedAfter).toBe(0);
    expect(seen.map((m) => m.method)).toEqual(["initialize", "notifications/initialized", "ping"]);
    const ids = stdout.split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { id: number }).id);
    expect(ids).toEqual([1, 2, 4]);
  });
});
