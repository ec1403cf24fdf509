import { PKG, importFrom } from "./paths.ts";
import { msSince } from "./stats.ts";

/** The slice of the MCP SDK client the bench uses (the SDK lives in packages/cli). */
export interface ToolResult {
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Record<string, unknown>;
}
interface SdkClient {
  connect(transport: unknown): Promise<void>;
  listTools(): Promise<{ tools: Array<{ name: string }> }>;
  callTool(req: { name: string; arguments: Record<string, unknown> }, schema?: unknown, opts?: { timeout?: number }): Promise<ToolResult>;
  close(): Promise<void>;
}
interface SdkTransport {
  pid: number | null;
  stderr: NodeJS.ReadableStream | null;
}
type ClientCtor = new (info: { name: string; version: string }, opts?: Record<string, unknown>) => SdkClient;
type TransportCtor = new (params: { command: string; args: string[]; env: Record<string, string>; stderr: "pipe"; cwd?: string }) => SdkTransport;

let sdk: Promise<{ Client: ClientCtor; StdioClientTransport: TransportCtor }> | undefined;
function loadSdk() {
  sdk ??= (async () => {
    const { Client } = await importFrom<{ Client: ClientCtor }>(PKG.cli, "@modelcontextprotocol/sdk/client/index.js");
    const { StdioClientTransport } = await importFrom<{ StdioClientTransport: TransportCtor }>(PKG.cli, "@modelcontextprotocol/sdk/client/stdio.js");
    return { Client, StdioClientTransport };
  })();
  return sdk;
}

export interface StdioServer {
  client: SdkClient;
  pid: number | null;
  /** spawn → `initialize` answered, in ms. */
  initMs: number;
  stderrTail: () => string;
  /** Calls a tool; throws on `isError` so load loops count it as an error. */
  call: (name: string, args: Record<string, unknown>) => Promise<ToolResult>;
  close: () => Promise<void>;
}

/** Spawns `command args` as an MCP stdio server and connects the SDK client to it. */
export async function connectStdio(command: string, args: string[], env: Record<string, string>): Promise<StdioServer> {
  const { Client, StdioClientTransport } = await loadSdk();
  const baseEnv: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "LANG", "TMPDIR"]) if (process.env[k]) baseEnv[k] = process.env[k]!;
  const transport = new StdioClientTransport({ command, args, env: { ...baseEnv, ...env }, stderr: "pipe" });
  let stderr = "";
  transport.stderr?.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const client = new Client({ name: "nodedc-bench", version: "0.0.0" }, { capabilities: {} });
  const t = process.hrtime.bigint();
  await client.connect(transport);
  const initMs = msSince(t);
  const stderrTail = () => stderr.trim().split("\n").slice(-4).join(" | ");
  return {
    client,
    pid: transport.pid,
    initMs,
    stderrTail,
    call: async (name, args) => {
      const r = await client.callTool({ name, arguments: args }, undefined, { timeout: 30_000 });
      if (r.isError) throw new Error(`${name} isError: ${(r.content?.[0]?.text ?? "").slice(0, 200)}`);
      return r;
    },
    close: () => client.close(),
  };
}
