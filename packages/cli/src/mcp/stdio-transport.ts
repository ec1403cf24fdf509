import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, JSONRPCMessage, RequestId } from "@modelcontextprotocol/sdk/types.js";

/** The SDK's StdioServerTransport limit for one unterminated message. */
const MAX_BUFFER_BYTES = 10 * 1024 * 1024;
const NEWLINE = 0x0a;
/** JSON-RPC's "Internal error", what the SDK answers for a handler that throws without a code. */
const INTERNAL_ERROR = -32603;

type CallTool = (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;
type Plain = Record<string, unknown>;

const isPlainObject = (value: unknown): value is Plain => typeof value === "object" && value !== null && !Array.isArray(value);
const hasOnly = (value: Plain, keys: readonly string[]) => {
  for (const key in value) if (!keys.includes(key)) return false;
  return true;
};
const MESSAGE_KEYS = ["jsonrpc", "id", "method", "params"] as const;
const PARAM_KEYS = ["name", "arguments"] as const;

/**
 * A plain `tools/call` (no `_meta`, no task, nothing the SDK would treat specially):
 * `{jsonrpc:"2.0", id, method:"tools/call", params:{name, arguments?}}`. Everything else,
 * including every malformed variant, goes to the SDK unchanged.
 */
export function plainToolCall(message: unknown): { id: RequestId; name: string; args: Plain } | null {
  if (!isPlainObject(message) || message.method !== "tools/call" || message.jsonrpc !== "2.0") return null;
  const { id, params } = message;
  if (typeof id !== "string" && !(typeof id === "number" && Number.isSafeInteger(id))) return null;
  if (!hasOnly(message, MESSAGE_KEYS) || !isPlainObject(params) || !hasOnly(params, PARAM_KEYS) || typeof params.name !== "string") return null;
  const args = params.arguments;
  if (args !== undefined && (!isPlainObject(args) || Object.prototype.hasOwnProperty.call(args, "__proto__"))) return null;
  return { id, name: params.name, args: args ?? {} };
}

/**
 * The stdio transport of `mcp`: what the SDK's StdioServerTransport does (newline-delimited
 * JSON-RPC on the given streams, each incoming message checked with the SDK's own schema),
 * plus one fast path. A plain `tools/call` (the one message an agent sends over and over) is
 * answered here by the server's own tools/call handler, with the same bytes the SDK would
 * write, instead of passing through the SDK's Protocol, which checks it with zod five times
 * (the message union, the four `isJSONRPC…` guards, the request schema twice) and then the
 * result: that was most of the child's CPU per call. Our results are well-formed by
 * construction (tool-calls.ts; `stdio-transport.test.ts` checks them against the SDK's
 * schema and against the SDK's own answer). Cancellation (`notifications/cancelled`) and
 * close drop a fast call's answer as the SDK drops a cancelled request's.
 *
 * It reads before the SDK is even loaded (`listen`): plain calls are answered at once, the
 * rest waits in order until the SDK's Server connects (`start`), and a waiting request
 * (tools/list, ping, …) asks for the SDK through `onSdkNeeded` (run-mcp.ts loads it then).
 */
export class FastStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private pending: Buffer | undefined;
  private listening = false;
  private started = false;
  private closed = false;
  private routed = false;
  /** Messages read before the SDK connected (JSON-parsed, not yet checked). */
  private waiting: unknown[] = [];
  private readonly inFlight = new Map<RequestId, { cancelled: boolean }>();

  constructor(
    private readonly stdin: NodeJS.ReadableStream,
    private readonly stdout: NodeJS.WritableStream,
    private readonly callTool: CallTool,
    private readonly options: {
      /** The SDK's JSONRPCMessageSchema.parse: every message but a plain call is checked with it. */
      parseMessage?: (value: unknown) => JSONRPCMessage;
      /** A request is waiting for the SDK, which is not connected yet. */
      onSdkNeeded?: (request: { id: unknown; method: string }) => void;
      /** Where stdin's chunks can come straight from, once `stdin` holds nothing unread (early-initialize.ts). */
      route?: (sink: (chunk: Buffer) => void) => void;
      /** Where plain calls' answers go (default: stdout); never the SDK's duplicate initialize answer. */
      fastOut?: NodeJS.WritableStream;
    } = {},
  ) {}

  /** Starts reading stdin (before the SDK connects: plain calls are answered, the rest waits). */
  listen(): void {
    if (this.listening) return;
    this.listening = true;
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onStreamError);
  }

  /** The SDK's Server connects: what waited is delivered, in order. */
  async start(parseMessage?: (value: unknown) => JSONRPCMessage): Promise<void> {
    if (this.started) throw new Error("FastStdioTransport already started");
    if (parseMessage) this.options.parseMessage = parseMessage;
    if (!this.options.parseMessage) throw new Error("FastStdioTransport needs the SDK's message schema to start");
    this.started = true;
    this.listen();
    const waiting = this.waiting;
    this.waiting = [];
    for (const parsed of waiting) this.deliver(parsed);
  }

  /** Gives the SDK's message schema before the Server connects (it calls `start()` itself). */
  useMessageSchema(parseMessage: (value: unknown) => JSONRPCMessage): void {
    this.options.parseMessage = parseMessage;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onStreamError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.pending = undefined;
    this.waiting = [];
    for (const call of this.inFlight.values()) call.cancelled = true;
    this.inFlight.clear();
    this.onclose?.();
  }

  send(message: JSONRPCMessage): Promise<void> {
    return this.write(`${JSON.stringify(message)}\n`);
  }

  private write(line: string, out: NodeJS.WritableStream = this.stdout): Promise<void> {
    return new Promise((resolve) => {
      if (out.write(line)) resolve();
      else out.once("drain", resolve);
    });
  }

  private readonly onStreamError = (error: Error) => this.onerror?.(error);

  private readonly onData = (chunk: Buffer | string) => {
    if (this.closed) return;
    const data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    const buffer = this.pending ? Buffer.concat([this.pending, data]) : data;
    if (buffer.length > MAX_BUFFER_BYTES) {
      this.pending = undefined;
      this.onerror?.(new Error(`ReadBuffer exceeded maximum size of ${MAX_BUFFER_BYTES} bytes`));
      void this.close();
      return;
    }
    let start = 0;
    for (let end = buffer.indexOf(NEWLINE, start); end !== -1; end = buffer.indexOf(NEWLINE, start)) {
      const last = end > start && buffer[end - 1] === 0x0d ? end - 1 : end;
      const line = buffer.toString("utf8", start, last);
      start = end + 1;
      this.onLine(line);
    }
    this.pending = start < buffer.length ? buffer.subarray(start) : undefined;
    this.routeWhenDrained();
  };

  /** Skips the stdin stream's own hop once everything it held has been read (order kept). */
  private routeWhenDrained(): void {
    if (this.routed || !this.options.route) return;
    const stream = this.stdin as Partial<{ readableLength: number; writableLength: number }>;
    if ((stream.readableLength ?? 0) !== 0 || (stream.writableLength ?? 0) !== 0) return;
    this.routed = true;
    this.options.route(this.onData);
  }

  private onLine(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    const call = plainToolCall(parsed);
    if (call) {
      this.answer(call.id, call.name, call.args);
      return;
    }
    if (isPlainObject(parsed) && parsed.method === "notifications/cancelled" && !("id" in parsed) && isPlainObject(parsed.params)) {
      const requestId = parsed.params.requestId as RequestId | undefined;
      const cancelled = requestId === undefined ? undefined : this.inFlight.get(requestId);
      if (cancelled) cancelled.cancelled = true;
    }
    if (!this.started) {
      this.waiting.push(parsed);
      if (isPlainObject(parsed) && "id" in parsed && typeof parsed.method === "string") this.options.onSdkNeeded?.({ id: parsed.id, method: parsed.method });
      return;
    }
    this.deliver(parsed);
  }

  private deliver(parsed: unknown): void {
    let message: JSONRPCMessage;
    try {
      message = this.options.parseMessage!(parsed);
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    try {
      this.onmessage?.(message);
    } catch (error) {
      this.onerror?.(error as Error);
    }
  }

  private answer(id: RequestId, name: string, args: Plain): void {
    const call = { cancelled: false };
    this.inFlight.set(id, call);
    Promise.resolve()
      .then(() => this.callTool(name, args))
      .then(
        (result) => (call.cancelled ? undefined : this.write(`${JSON.stringify({ result, jsonrpc: "2.0", id })}\n`, this.options.fastOut)),
        (error: { code?: unknown; message?: string; data?: unknown }) => {
          if (call.cancelled) return undefined;
          const code = Number.isSafeInteger(error.code) ? (error.code as number) : INTERNAL_ERROR;
          return this.send({ jsonrpc: "2.0", id, error: { code, message: error.message ?? "Internal error", ...(error.data !== undefined && { data: error.data }) } });
        },
      )
      .catch((error: unknown) => this.onerror?.(new Error(`Failed to send response: ${String(error)}`)))
      .finally(() => {
        if (this.inFlight.get(id) === call) this.inFlight.delete(id);
      });
  }
}
