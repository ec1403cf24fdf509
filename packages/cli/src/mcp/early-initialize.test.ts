import { PassThrough } from "node:stream";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { SUPPORTED_PROTOCOL_VERSIONS as SDK_VERSIONS } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { buildMcpServer } from "./server";
import { answerInitializeEarly, initializeResult, SUPPORTED_PROTOCOL_VERSIONS } from "./early-initialize";

describe("the early initialize answer", () => {
  it("supports exactly the SDK's protocol versions", () => {
    expect(SUPPORTED_PROTOCOL_VERSIONS).toEqual(SDK_VERSIONS);
  });

  it("equals what the SDK server answers, for every version a client may ask", async () => {
    for (const requested of [...SDK_VERSIONS, "1999-01-01"]) {
      const { server } = buildMcpServer({
        gateway: null,
        gatewayUrl: null,
        notConfigured: "not paired",
        knownGrants: [],
        cache: { read: async () => null, write: async () => undefined },
        log: () => undefined,
      });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      let answer: unknown;
      clientSide.onmessage = (message) => (answer = message);
      await clientSide.start();
      await clientSide.send({ jsonrpc: "2.0", id: 7, method: "initialize", params: { protocolVersion: requested, capabilities: {}, clientInfo: { name: "t", version: "0" } } });
      await new Promise((resolve) => setImmediate(resolve));
      expect(answer).toEqual({ jsonrpc: "2.0", id: 7, result: initializeResult(requested) });
      await server.close();
    }
  });

  it("answers at once, forwards everything, and drops only the SDK's duplicate answer", async () => {
    const stdin = new PassThrough();
    let stdout = "";
    const out = new PassThrough();
    out.on("data", (c: Buffer) => (stdout += c.toString()));
    const mismatches: string[] = [];
    const early = answerInitializeEarly(stdin, out, (d) => mismatches.push(d));
    let forwarded = "";
    early.stdin.on("data", (c: Buffer) => (forwarded += c.toString()));
    const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } } });
    stdin.write(init.slice(0, 20));
    stdin.write(`${init.slice(20)}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\n`);
    await early.firstMessage;
    expect(JSON.parse(stdout.trim())).toEqual({ jsonrpc: "2.0", id: 1, result: initializeResult("2025-06-18") });
    expect(forwarded).toBe(`${init}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\n`);

    // The SDK's own answer to id 1 is swallowed; later messages pass through.
    early.stdout.write(`${JSON.stringify({ result: initializeResult("2025-06-18"), jsonrpc: "2.0", id: 1 })}\n`);
    early.stdout.write(`${JSON.stringify({ result: { tools: [] }, jsonrpc: "2.0", id: 2 })}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: number });
    expect(lines.map((l) => l.id)).toEqual([1, 2]);
    expect(mismatches).toEqual([]);
  });

  it("leaves anything but initialize to the SDK", async () => {
    const stdin = new PassThrough();
    const out = new PassThrough();
    let stdout = "";
    out.on("data", (c: Buffer) => (stdout += c.toString()));
    const early = answerInitializeEarly(stdin, out, () => undefined);
    stdin.write('{"jsonrpc":"2.0","id":3,"method":"ping"}\n');
    await early.firstMessage;
    expect(stdout).toBe("");
  });
});
