import type { Deps } from "../factory";
import { REPAIR_STEP } from "../gateway-client/error-messages";
import { TokenUnavailableError } from "./tool-calls";
import { readToolCache, writeToolCache } from "./tool-cache";
import { redactSecrets } from "../errors";
import { TOKEN_ENV } from "../token-store/token-store";
import { loadProfileContext, PAIR_STEP } from "../config/profile-context";
import { CLI_VERSION } from "../version";
import { LiveToken } from "../rotation/live-token";
import { createAutoRotation } from "../rotation/auto-rotation";
import { FastStdioTransport } from "./stdio-transport";
import { createToolService, type McpServerDeps } from "./tool-service";

export interface McpOptions {
  profile: string;
}

export interface McpIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  exit: (code: number) => void;
  onSignal: (signal: "SIGINT" | "SIGTERM", handler: () => void) => void;
  /** The initialize request already answered before the SDK was loaded (mcp/early-initialize.ts). */
  answeredInitializeId?: () => string | number | null;
  /** Stdin's chunks straight to the transport, and the unfiltered stdout (mcp/early-initialize.ts). */
  route?: (sink: (chunk: Buffer) => void) => void;
  rawStdout?: NodeJS.WritableStream;
  /** How the SDK side is loaded (tests count it); default: `import("./server")`. */
  loadServer?: () => Promise<typeof import("./server")>;
}

/**
 * `nodedc-tasker mcp`: the stdio server Codex starts. stdout carries protocol only; every
 * log line goes to stderr and passes through `redactSecrets`. Nothing here waits on the
 * network or the keychain before the transport is connected, nor on the MCP SDK before a
 * message needs it. The token follows rotations
 * (rotation/live-token.ts), and once less than a third of its life is left this process
 * rotates it in the background (rotation/auto-rotation.ts).
 */
export async function runMcp(opts: McpOptions, deps: Deps, io: McpIo): Promise<void> {
  const log = (line: string) => deps.streams.stderr.write(`[nodedc-tasker] ${redactSecrets(line)}\n`);
  const ctx = await loadProfileContext(deps, opts.profile).catch((error: Error) => {
    log(error.message);
    return null;
  });
  const gatewayUrl = ctx?.gatewayUrl ?? null;
  const live = ctx ? new LiveToken(deps, ctx, log) : null;
  let notesShown = false;
  const token = async () => {
    if (!ctx || !live) throw new TokenUnavailableError(`The nodedc-tasker state is unreadable. ${PAIR_STEP}`);
    let resolved;
    try {
      resolved = await live.current();
    } catch (error) {
      throw new TokenUnavailableError((error as Error).message);
    }
    if (!resolved) {
      throw new TokenUnavailableError(
        `No agent token found for ${gatewayUrl} (looked in ${TOKEN_ENV}, the OS keychain and ${deps.configDir}). ` +
          REPAIR_STEP,
      );
    }
    if (!notesShown) for (const note of resolved.notes) log(note);
    notesShown = true;
    autoRotation?.maybeStart();
    return resolved.token;
  };
  const autoRotation = ctx && live ? createAutoRotation(deps, ctx, live, log) : null;

  const notConfigured =
    `This computer is not paired with NODE.DC Tasker yet (no gateway URL for profile "${opts.profile}"). ` +
    `${PAIR_STEP}. In CI, set ${TOKEN_ENV} and NODEDC_TASKER_GATEWAY instead.`;
  const serverDeps: McpServerDeps = {
    gateway: gatewayUrl ? deps.gateway(gatewayUrl, token) : null,
    gatewayUrl,
    notConfigured,
    knownGrants: ctx?.profile?.grants ?? [],
    cache: {
      read: () => readToolCache(deps.configDir, opts.profile),
      // With no stored state (env-only, e.g. CI) nothing is written to disk.
      write: (tools) => (ctx?.profile ? writeToolCache(deps.configDir, opts.profile, gatewayUrl ?? "", tools, deps.now()) : Promise.resolve()),
    },
    log,
  };
  const service = createToolService(serverDeps);

  // The MCP SDK (and zod, and the contract's schemas) are evaluated only when a message needs
  // them: tens of ms of start-up that used to land on the first tool call (the p99 tail of a
  // session). A plain tools/call is answered without them (stdio-transport.ts); the first
  // other request (tools/list, which clients send right after initialize) loads them.
  let sdk: Promise<{ close(): Promise<void> }> | null = null;
  const loadSdk = () =>
    (sdk ??= (async () => {
      // Before any schema is built: zod compiles each object schema's parser with new Function
      // on first use (~1 ms apiece here); the few messages the SDK still checks run faster
      // interpreted than compiled once.
      (await import("zod")).config({ jitless: true });
      const [{ buildMcpServer }, { JSONRPCMessageSchema }] = await Promise.all([(io.loadServer ?? (() => import("./server")))(), import("@modelcontextprotocol/sdk/types.js")]);
      const { server } = buildMcpServer(serverDeps, service);
      transport.useMessageSchema((value) => JSONRPCMessageSchema.parse(value));
      await server.connect(transport);
      return server;
    })());
  const transport = new FastStdioTransport(io.stdin, io.stdout, service.callTool, {
    ...(io.route ? { route: io.route } : {}),
    ...(io.rawStdout ? { fastOut: io.rawStdout } : {}),
    onSdkNeeded: (request) => {
      // The SDK still gets that initialize (its session state), when it loads for something else.
      if (request.method === "initialize" && request.id === io.answeredInitializeId?.()) return;
      loadSdk().catch((error: Error) => log(`could not start the MCP server: ${error.message}`));
    },
  });
  let closing = false;
  const shutdown = (reason: string) => {
    if (closing) return;
    closing = true;
    live?.close();
    log(`shutting down (${reason})`);
    (sdk ?? Promise.resolve(null))
      .then((server) => server?.close())
      .finally(() => io.exit(0));
  };
  io.stdin.on("end", () => shutdown("stdin closed"));
  io.stdin.on("close", () => shutdown("stdin closed"));
  io.onSignal("SIGINT", () => shutdown("SIGINT"));
  io.onSignal("SIGTERM", () => shutdown("SIGTERM"));
  transport.listen();
  service.prefetchTools();
  log(`MCP server ${CLI_VERSION} ready (profile ${opts.profile}, gateway ${gatewayUrl ?? "not configured"})`);
}
