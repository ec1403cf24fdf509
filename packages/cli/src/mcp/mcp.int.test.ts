import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { MCP_INSTRUCTIONS, TOOL_NAMES } from "@nodedc/shared";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "@nodedc/gateway/testing";
import { BUILT_CLI, closedPort, createTestCli, ensureBuiltCli, type TestCli } from "../testing/cli-harness";

/**
 * The built CLI (`node dist/cli.js mcp`) as a real child process, driven by the SDK's real
 * Client over stdio, against the real gateway + Tasker sandbox.
 */
let stack: TestStack;
let agentId: string;
let ownerJwt: string;
let paired: TestCli;
const DEMO = "0d0c0002-0000-4000-8000-000000000001";
const OPS = "0d0c0002-0000-4000-8000-000000000002";
const SECRET = "0d0c0002-0000-4000-8000-000000000003";
const open: Client[] = [];

beforeAll(async () => {
  ensureBuiltCli();
  stack = await startTestStack();
  const created = await stack.createAgent("demo.owner@nodedc.local", "Anna's Codex");
  agentId = created.agent.id;
  ownerJwt = created.ownerJwt;
  await stack.grant(agentId, "DEMO", ["cards:read", "cards:write", "comments:write", "sessions:report"]);
  await stack.grant(agentId, "OPS", ["cards:read"]);
  paired = await pairedCli();
}, 180_000);
afterEach(async () => {
  for (const client of open.splice(0)) await client.close().catch(() => undefined);
});
afterAll(async () => {
  await stack?.close();
});

/** A config dir paired through the CLI itself (file storage: the child has no session bus). */
async function pairedCli(): Promise<TestCli> {
  const cli = await createTestCli();
  const code = await stack.pairingCode(agentId);
  const exit = await cli.run("pair", code, "--gateway", stack.gatewayUrl, "--storage", "file", "--client", "none");
  if (exit !== 0) throw new Error(cli.stderr());
  return cli;
}

async function tokenOf(cli: TestCli): Promise<string> {
  const credentials = JSON.parse(await readFile(path.join(cli.configDir, "credentials.json"), "utf8")) as Record<string, string>;
  return Object.values(credentials)[0]!;
}

async function connect(env: Record<string, string>): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BUILT_CLI, "mcp"],
    // What Codex passes: a stripped environment plus the entry's env.
    env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), ...env },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "mcp-int-test", version: "1.0.0" });
  await client.connect(transport);
  open.push(client);
  return { client, stderr: () => stderr };
}

function textOf(result: Record<string, unknown>): string {
  return ((result.content as { type: string; text: string }[]) ?? []).map((c) => c.text).join("\n");
}

describe("nodedc-tasker mcp (built CLI, real child process)", () => {
  it("initializes with the untrusted-content instructions and lists the gateway's tools", async () => {
    const { client, stderr } = await connect({ NODEDC_TASKER_HOME: paired.configDir });
    expect(client.getServerVersion()).toMatchObject({ name: "nodedc-tasker" });
    const instructions = client.getInstructions()!;
    expect(instructions).toBe(MCP_INSTRUCTIONS);
    expect(instructions.slice(0, 512)).toContain('<tasker-content untrusted="true">');
    expect(instructions.slice(0, 512)).toMatch(/never follow/);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    const create = tools.find((t) => t.name === "create_card")!;
    expect(create.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false });
    expect(create.inputSchema.type).toBe("object");
    expect(create.outputSchema?.type).toBe("object");
    expect(tools.find((t) => t.name === "search_cards")!.annotations?.readOnlyHint).toBe(true);
    const cached = JSON.parse(await readFile(path.join(paired.configDir, "cache", "tools-default.json"), "utf8"));
    expect(cached.tools.map((t: { name: string }) => t.name)).toEqual(tools.map((t) => t.name));
    expect(stderr()).not.toContain(await tokenOf(paired));
  });

  it("calls a read tool and a write tool; a replay with the same key returns the same card", async () => {
    const { client } = await connect({ NODEDC_TASKER_HOME: paired.configDir });
    const projects = await client.callTool({ name: "list_projects", arguments: {} });
    expect(projects.isError).toBeFalsy();
    const ids = (projects.structuredContent as { projects: { id: string; identifier: string }[] }).projects.map((p) => p.identifier).sort();
    expect(ids).toEqual(["DEMO", "OPS"]);
    expect(JSON.parse(textOf(projects))).toEqual(projects.structuredContent);

    const key = `mcp-int-${randomUUID()}`;
    const title = `From MCP ${randomUUID()}`;
    const args = { project_id: DEMO, title, description_markdown: "Made by **nodedc-tasker mcp**", idempotency_key: key };
    const first = await client.callTool({ name: "create_card", arguments: args });
    expect(first.isError, textOf(first)).toBeFalsy();
    const card = (first.structuredContent as { card: { id: string; title: string } }).card;
    expect(card.title).toContain(title);
    const replay = await client.callTool({ name: "create_card", arguments: args });
    expect((replay.structuredContent as { card: { id: string } }).card.id).toBe(card.id);
    expect(replay._meta).toMatchObject({ "nodedc-tasker/idempotent-replayed": true });

    const found = await client.callTool({ name: "search_cards", arguments: { project_id: DEMO, query: title } });
    expect((found.structuredContent as { cards: unknown[] }).cards).toHaveLength(1);

    const reused = await client.callTool({ name: "create_card", arguments: { ...args, title: `${title} (other)` } });
    expect(reused.isError).toBe(true);
    expect(textOf(reused)).toMatch(/already used for a different change\. Use a new, unique idempotency_key/);
  });

  it("turns grant and scope errors into actionable results", async () => {
    const { client } = await connect({ NODEDC_TASKER_HOME: paired.configDir });
    const outside = await client.callTool({ name: "describe_project", arguments: { project_id: SECRET } });
    expect(outside.isError).toBe(true);
    expect(textOf(outside)).toMatch(/no grant for that project\. Granted projects: .*DEMO \(project_id 0d0c0002-0000-4000-8000-000000000001/);
    expect(textOf(outside)).toContain("OPS");

    const readOnly = await client.callTool({ name: "create_card", arguments: { project_id: OPS, title: "nope", idempotency_key: `scope-${randomUUID()}` } });
    expect(readOnly.isError).toBe(true);
    expect(textOf(readOnly)).toMatch(/lacks the scope "cards:write"/);

    const invalid = await client.callTool({ name: "get_card", arguments: { project_id: DEMO } });
    expect(invalid.isError).toBe(true);
    expect(textOf(invalid)).toMatch(/^The arguments were rejected:\n- arguments\.card: .+\nFix the arguments and call the tool again\./);
  });

  it("retries a write whose answer was lost on the network with the SAME key: one card", async () => {
    // A real proxy in front of the gateway that drops the connection after the first
    // create_card reached the gateway (the change happened, the answer never arrives).
    const seenKeys: string[] = [];
    let dropped = false;
    const proxy = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k))) as Record<string, string>;
      if (req.url?.endsWith("/tools/create_card")) seenKeys.push(headers["idempotency-key"] ?? "");
      const upstream = await fetch(`${stack.gatewayUrl}${req.url}`, { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
      const body = Buffer.from(await upstream.arrayBuffer());
      if (req.url?.endsWith("/tools/create_card") && !dropped) {
        dropped = true;
        req.socket.destroy();
        return;
      }
      res.writeHead(upstream.status, Object.fromEntries([...upstream.headers].filter(([k]) => k !== "content-encoding" && k !== "transfer-encoding")));
      res.end(body);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const port = (proxy.address() as { port: number }).port;
      const { client, stderr } = await connect({ NODEDC_TASKER_HOME: paired.configDir, NODEDC_TASKER_GATEWAY: `http://127.0.0.1:${port}` });
      const key = `flaky-${randomUUID()}`;
      const title = `Lost answer ${randomUUID()}`;
      const result = await client.callTool({ name: "create_card", arguments: { project_id: DEMO, title, idempotency_key: key } });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(seenKeys).toEqual([key, key]);
      expect(result._meta).toMatchObject({ "nodedc-tasker/idempotent-replayed": true });
      expect(stderr()).toMatch(/retrying in \d+ ms with the same idempotency key/);
      const direct = await connect({ NODEDC_TASKER_HOME: paired.configDir });
      const found = await direct.client.callTool({ name: "search_cards", arguments: { project_id: DEMO, query: title } });
      expect((found.structuredContent as { cards: unknown[] }).cards).toHaveLength(1);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("gateway down: initialize still answers, tools come from the cache, calls say what to do", async () => {
    const port = await closedPort();
    const down = `http://127.0.0.1:${port}`;
    const { client } = await connect({ NODEDC_TASKER_HOME: paired.configDir, NODEDC_TASKER_GATEWAY: down });
    expect(client.getInstructions()).toBe(MCP_INSTRUCTIONS);
    const { tools } = await client.listTools();
    const cached = JSON.parse(await readFile(path.join(paired.configDir, "cache", "tools-default.json"), "utf8"));
    expect(tools).toEqual(cached.tools);
    const result = await client.callTool({ name: "whoami", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe(
      `The Tasker gateway at ${down} is unreachable (ECONNREFUSED). Nothing was changed. Check your network or VPN, then retry; to diagnose, run: npx nodedc-tasker doctor`,
    );
  });

  it("offline at start, online later: the first successful call replaces the offline list and notifies the client", async () => {
    // A real proxy that refuses connections until `up` is set.
    let up = false;
    const proxy = http.createServer(async (req, res) => {
      if (!up) {
        req.socket.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k))) as Record<string, string>;
      const upstream = await fetch(`${stack.gatewayUrl}${req.url}`, { method: req.method!, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) });
      res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const home = await mkdtemp(path.join(os.tmpdir(), "mcp-recover-"));
      const { token } = await stack.issueToken(agentId, { name: "recover" });
      const port = (proxy.address() as { port: number }).port;
      const { client } = await connect({ NODEDC_TASKER_HOME: home, NODEDC_TASKER_TOKEN: token, NODEDC_TASKER_GATEWAY: `http://127.0.0.1:${port}` });
      const changed = new Promise<void>((resolve) => client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()));
      const offline = await client.listTools();
      expect(offline.tools[0]!.description).toMatch(/Offline list/);
      up = true;
      const who = await client.callTool({ name: "whoami", arguments: {} });
      expect(who.isError, textOf(who)).toBeFalsy();
      await changed;
      const online = await client.listTools();
      expect(online.tools.find((t) => t.name === "create_card")!.outputSchema?.type).toBe("object");
      expect(online.tools[0]!.description).not.toMatch(/Offline list/);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("never reached and offline: the built-in list keeps the tools visible with their annotations", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "mcp-empty-"));
    const port = await closedPort();
    const { client } = await connect({ NODEDC_TASKER_HOME: home, NODEDC_TASKER_TOKEN: await tokenOf(paired), NODEDC_TASKER_GATEWAY: `http://127.0.0.1:${port}` });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual([...TOOL_NAMES]);
    expect(tools.find((t) => t.name === "update_card")!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: true });
    const result = await client.callTool({ name: "list_projects", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/unreachable \(ECONNREFUSED\).*npx nodedc-tasker doctor/);
  });

  it("runs from NODEDC_TASKER_TOKEN + NODEDC_TASKER_GATEWAY alone and writes no state", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "mcp-ci-"));
    const { token } = await stack.issueToken(agentId, { name: "ci" });
    const { client, stderr } = await connect({ NODEDC_TASKER_HOME: home, NODEDC_TASKER_TOKEN: token, NODEDC_TASKER_GATEWAY: stack.gatewayUrl });
    await client.listTools();
    const who = await client.callTool({ name: "whoami", arguments: {} });
    expect(who.isError, textOf(who)).toBeFalsy();
    expect((who.structuredContent as { agent: { id: string } }).agent.id).toBe(agentId);
    expect(await readdir(home)).toEqual([]);
    expect(stderr()).not.toContain(token);
  });

  it("not paired at all: tools are listed and every call explains how to pair", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "mcp-unpaired-"));
    const { client } = await connect({ NODEDC_TASKER_HOME: home });
    expect((await client.listTools()).tools).toHaveLength(TOOL_NAMES.length);
    const result = await client.callTool({ name: "whoami", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/not paired with NODE\.DC Tasker yet.*npx nodedc-tasker pair <code> --gateway/);
  });

  it("a revoked token gives the re-pair instruction", async () => {
    const cli = await pairedCli();
    const profile = JSON.parse(await readFile(path.join(cli.configDir, "profiles.json"), "utf8")).profiles.default;
    const revoke = await stack.http("POST", `/api/v1/agents/${agentId}/tokens/${profile.token.id}/revoke`, { bearer: ownerJwt });
    expect(revoke.status).toBeLessThan(300);
    const { client } = await connect({ NODEDC_TASKER_HOME: cli.configDir });
    expect((await client.listTools()).tools.length).toBe(TOOL_NAMES.length); // built-in list: the agent can still ask
    const result = await client.callTool({ name: "whoami", arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^This agent's token was revoked or expired\. Ask your Tasker owner for a new pairing code, then run: npx nodedc-tasker pair <code>/,
    );
  });
});

describe("process lifecycle", () => {
  function start(env: Record<string, string>) {
    const child = spawn(process.execPath, [BUILT_CLI, "mcp"], { env: { PATH: process.env.PATH ?? "", ...env }, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    /** Settles on the stdout chunk after which `seen(stdout)` holds (or at once if it already does). */
    const stdoutUntil = (seen: (text: string) => boolean) =>
      new Promise<void>((resolve, reject) => {
        if (seen(stdout)) return resolve();
        const onData = () => {
          if (!seen(stdout)) return;
          child.stdout.off("data", onData);
          resolve();
        };
        child.stdout.on("data", onData);
        child.once("exit", (code) => (seen(stdout) ? resolve() : reject(new Error(`mcp exited (${code}) first; stdout: ${stdout}`))));
      });
    const initialize = async () => {
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "0" } } })}\n`);
      await stdoutUntil((text) => text.includes("\n"));
      return JSON.parse(stdout.split("\n")[0]!) as { result: { protocolVersion: string; instructions: string } };
    };
    return { child, exited, initialize, stdoutUntil, stdout: () => stdout };
  }

  it("negotiates 2025-11-25, writes only JSON-RPC to stdout and exits 0 when stdin closes", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "mcp-life-"));
    const proc = start({ NODEDC_TASKER_HOME: home });
    const reply = await proc.initialize();
    expect(reply.result.protocolVersion).toBe("2025-11-25");
    proc.child.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n{"jsonrpc":"2.0","id":2,"method":"tools/list"}\n');
    await proc.stdoutUntil((text) => text.includes('"id":2'));
    proc.child.stdin.end();
    expect(await proc.exited).toBe(0);
    const lines = proc.stdout().split("\n").filter(Boolean).map((line) => JSON.parse(line) as { jsonrpc: string; id?: number });
    for (const line of lines) expect(line.jsonrpc).toBe("2.0");
    // One answer per request: the early initialize answer and the SDK's are never both sent.
    expect(lines.map((l) => l.id)).toEqual([1, 2]);
  });

  it("exits 0 on SIGTERM and on SIGINT", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const home = await mkdtemp(path.join(os.tmpdir(), "mcp-life-"));
      const proc = start({ NODEDC_TASKER_HOME: home });
      await proc.initialize();
      proc.child.kill(signal);
      expect(await proc.exited).toBe(0);
    }
  });
});
