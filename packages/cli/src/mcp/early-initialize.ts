import { Writable, PassThrough } from "node:stream";
// The file itself rather than the package index: the index would evaluate every zod schema
// of the contract before the early answer (~25 ms here). Same contract, same source.
import { MCP_INSTRUCTIONS } from "../../../shared/src/mcp-instructions";
import { CLI_NAME, CLI_VERSION } from "../version";

/**
 * Answers `initialize` before the MCP SDK (and zod, which it builds hundreds of schemas
 * with) is even evaluated: that is most of `mcp`'s start-up. The request is still handed
 * to the SDK's Server afterwards, so the SDK keeps the session state it expects; its own
 * (identical) answer to that request is dropped from stdout. `mcp-early.test.ts` checks
 * that the two answers are equal.
 */
export const SERVER_INFO = { name: CLI_NAME, title: "NODE.DC Tasker", version: CLI_VERSION } as const;
export const SERVER_CAPABILITIES = { tools: { listChanged: true } } as const;
/** The protocol versions of @modelcontextprotocol/sdk 1.32.2, newest first (checked by a test). */
export const SUPPORTED_PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2024-10-07"];

export function initializeResult(requestedVersion: unknown): Record<string, unknown> {
  const protocolVersion =
    typeof requestedVersion === "string" && SUPPORTED_PROTOCOL_VERSIONS.includes(requestedVersion) ? requestedVersion : SUPPORTED_PROTOCOL_VERSIONS[0];
  return { protocolVersion, capabilities: SERVER_CAPABILITIES, serverInfo: SERVER_INFO, instructions: MCP_INSTRUCTIONS };
}

export interface EarlyIo {
  /** What the SDK transport reads: everything from stdin, the initialize request included. */
  stdin: PassThrough;
  /** What the SDK transport writes to: stdout minus the duplicate initialize answer. */
  stdout: Writable;
  /** Settles once the first message was seen (and answered, if it was initialize) or stdin ended. */
  firstMessage: Promise<void>;
  /** The id of the initialize request answered here, if one was: it needs nothing more from the SDK right away. */
  answeredInitializeId: () => string | number | null;
  /**
   * From now on, hand stdin's chunks to `sink` instead of through `stdin` (a PassThrough hop
   * per message). Call it only once `stdin` holds nothing unread, so the order is kept; the
   * end of input still arrives on `stdin`.
   */
  route: (sink: (chunk: Buffer) => void) => void;
  /** The real stdout, for answers that can never be the SDK's duplicate initialize answer. */
  rawStdout: NodeJS.WritableStream;
}

/**
 * Starts reading stdin at once. When the first message is `initialize`, it is answered
 * right away on `stdout`; everything read is forwarded to the returned `stdin`.
 */
export function answerInitializeEarly(stdin: NodeJS.ReadableStream, stdout: NodeJS.WritableStream, onMismatch: (detail: string) => void): EarlyIo {
  const forward = new PassThrough();
  let buffered = "";
  let decided = false;
  let earlyId: string | number | null = null;
  let earlyAnswer: string | null = null;
  let answeredId: string | number | null = null;
  let firstSeen!: () => void;
  const firstMessage = new Promise<void>((resolve) => (firstSeen = resolve));

  let sink: ((chunk: Buffer) => void) | null = null;
  const onData = (chunk: Buffer | string) => {
    if (sink) {
      sink(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
      return;
    }
    forward.write(chunk);
    if (decided) return;
    buffered += chunk.toString();
    const newline = buffered.indexOf("\n");
    if (newline === -1) return;
    decided = true;
    try {
      const message = JSON.parse(buffered.slice(0, newline).replace(/\r$/, "")) as { id?: string | number; method?: string; params?: { protocolVersion?: unknown } };
      if (message.method === "initialize" && (typeof message.id === "string" || typeof message.id === "number")) {
        earlyId = message.id;
        answeredId = message.id;
        earlyAnswer = JSON.stringify({ result: initializeResult(message.params?.protocolVersion), jsonrpc: "2.0", id: message.id });
        stdout.write(`${earlyAnswer}\n`);
      }
    } catch {
      // not JSON: the SDK will answer with a parse error
    }
    buffered = "";
    firstSeen();
  };
  stdin.on("data", onData);
  stdin.on("end", () => {
    firstSeen();
    forward.end();
  });
  stdin.on("error", (error) => forward.destroy(error as Error));

  const filtered = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (earlyId !== null) {
        const text = chunk.toString();
        try {
          const message = JSON.parse(text) as { id?: unknown; result?: unknown };
          if (message.id === earlyId && "result" in message) {
            const expected = JSON.parse(earlyAnswer!) as { result: unknown };
            if (JSON.stringify(message.result) !== JSON.stringify(expected.result)) onMismatch(text.trim());
            earlyId = null;
            callback();
            return;
          }
        } catch {
          // fall through: not ours to filter
        }
      }
      if (stdout.write(chunk)) callback();
      else stdout.once("drain", () => callback());
    },
  });
  return {
    stdin: forward,
    stdout: filtered,
    firstMessage,
    answeredInitializeId: () => answeredId,
    route: (to) => {
      sink = to;
    },
    rawStdout: stdout,
  };
}
