import { PassThrough } from "node:stream";
import { generateAgentToken } from "@nodedc/shared";
import { describe, expect, it } from "vitest";
import type { GatewayClient } from "../gateway-client/gateway-client";
import { createTestCli } from "../testing/cli-harness";
import { runMcp } from "./run-mcp";

const CARD = { id: "3f1c0b9e-0000-4000-8000-000000000001", title: "A card" };

/**
 * The p99 tail of a session was its first tool calls waiting for the MCP SDK, zod and the
 * contract's schemas to be evaluated after the early initialize answer (mcp/early-initialize.ts).
 * A plain tools/call now needs none of them: it is answered before the SDK is loaded, which
 * happens once, for the first request that needs it.
 */
describe("mcp loads the MCP SDK only when a message needs it", () => {
  it("answers initialize (early) and plain tools/calls without it; tools/list loads it once", async () => {
    const cli = await createTestCli({ env: { NODEDC_TASKER_TOKEN: generateAgentToken(), NODEDC_TASKER_GATEWAY: "http://gateway.test" } });
    const gateway = {
      baseUrl: "http://gateway.test",
      listTools: async () => ({ status: 200, headers: { get: () => null }, body: { tools: [{ name: "get_card", description: "Get a card", input_schema: { type: "object" } }] } }),
      callTool: async () => ({ status: 200, headers: { get: () => null }, body: { result: CARD }, replayed: false }),
    } as unknown as GatewayClient;
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const answers: Array<{ id?: number; result?: Record<string, unknown> }> = [];
    let buffered = "";
    stdout.on("data", (c: Buffer) => {
      buffered += c.toString();
      for (let nl = buffered.indexOf("\n"); nl !== -1; nl = buffered.indexOf("\n")) {
        answers.push(JSON.parse(buffered.slice(0, nl)) as (typeof answers)[number]);
        buffered = buffered.slice(nl + 1);
      }
    });
    const answered = (id: number) =>
      new Promise<(typeof answers)[number]>((resolve) => {
        const look = () => {
          const found = answers.find((a) => a.id === id);
          if (found) resolve(found);
          else setImmediate(look);
        };
        look();
      });
    let loads = 0;
    let exited: number | null = null;
    const signals: Record<string, () => void> = {};
    await runMcp({ profile: "default" }, { ...cli.deps, gateway: () => gateway }, {
      stdin,
      stdout,
      exit: (code) => (exited = code),
      onSignal: (signal, handler) => (signals[signal] = handler),
      // what early-initialize.ts does: it answered this initialize itself
      answeredInitializeId: () => 1,
      loadServer: async () => {
        loads++;
        return import("./server");
      },
    });

    stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } } })}\n`);
    stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
    stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "get_card", arguments: { card: "DEMO-1" } } })}\n`);
    const call = await answered(2);
    expect(call.result?.structuredContent).toEqual(CARD);
    expect(loads).toBe(0);

    stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/list" })}\n`);
    const list = await answered(3);
    expect((list.result?.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(["get_card"]);
    // the SDK was handed the initialize that waited (its session state) and answered it; in the CLI the early stdout filter drops that duplicate
    expect(answers.filter((a) => a.id === 1)).toHaveLength(1);
    stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 4, method: "tools/call", params: { name: "get_card", arguments: {} } })}\n`);
    await answered(4);
    expect(loads).toBe(1);

    signals.SIGTERM!();
    await new Promise<void>((resolve) => {
      const wait = () => (exited === null ? setImmediate(wait) : resolve());
      wait();
    });
    expect(exited).toBe(0);
  });
});
