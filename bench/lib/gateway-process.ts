/**
 * The gateway as its own process (`packages/gateway/src/main.ts` under tsx, as `pnpm start`
 * runs it) against the sandbox child, so its CPU and RSS are its own. Logs go straight to a
 * file (no pipe through the bench). Ready = GET /readyz answers 200.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import { track } from "./children.ts";
import { request } from "./http.ts";
import { PKG, ROOT, TSX_LOADER } from "./paths.ts";
import type { GatewayEntry } from "./gateway-build.ts";
import { stopChild } from "./proc.ts";

export const GATEWAY_MAIN = join(PKG.gateway, "src/main.ts");

export interface GatewayProcess {
  url: string;
  pid: number;
  child: ChildProcess;
  jwtSecret: string;
  logFile: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** How the gateway child is started: set once per run by the gateway legs (default: TS source under tsx, as `pnpm start`). */
let entry: GatewayEntry = { args: ["--import", TSX_LOADER, GATEWAY_MAIN], label: "tsx packages/gateway/src/main.ts" };
export function useGatewayEntry(e: GatewayEntry): void {
  entry = e;
}
export function gatewayEntry(): GatewayEntry {
  const override = process.env.BENCH_GATEWAY_ENTRY;
  if (override) return { args: override.endsWith(".ts") ? ["--import", TSX_LOADER, override] : [override], label: override };
  return entry;
}

/** The image's NODE_OPTIONS (heap ceilings): the bench measures the gateway as it is deployed. */
export const DEPLOYED_NODE_OPTIONS: string = (() => {
  try {
    return /^ENV NODE_OPTIONS="([^"]*)"/m.exec(readFileSync(join(ROOT, "Dockerfile"), "utf8"))?.[1] ?? "";
  } catch {
    return "";
  }
})();

export async function startGateway(opts: {
  label: string;
  taskerUrl: string;
  taskerKey: string;
  databaseUrl: string | null;
  nodeArgs?: string[];
  /** Wins over the defaults (a LAUNCHER_JWT_SECRET given here is the one returned). */
  env?: Record<string, string>;
  /** Where the log file goes (default bench-results/). */
  logDir?: string;
}): Promise<GatewayProcess> {
  if (!existsSync(GATEWAY_MAIN)) throw new Error("packages/gateway/src/main.ts not there yet");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const jwtSecret = opts.env?.LAUNCHER_JWT_SECRET ?? randomBytes(32).toString("hex");
  const logDir = opts.logDir ?? join(ROOT, "bench-results");
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `gateway-${opts.label}.log`);
  const fd = openSync(logFile, "w");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/root",
    NODE_ENV: opts.databaseUrl ? "production" : "development",
    NODEDC_MODE: "gateway",
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_URL: url,
    TASKER_API_URL: opts.taskerUrl,
    TASKER_API_KEY: opts.taskerKey,
    TASKER_WORKSPACE_SLUG: "nodedc",
    LAUNCHER_JWT_SECRET: jwtSecret,
    TOKEN_PEPPER: randomBytes(32).toString("hex"),
    // production refuses to boot without it; the sealer then runs at its default cadence as deployed
    AUDIT_SIGNING_KEY: randomBytes(32).toString("base64"),
    TASKER_RATE_LIMIT_PER_MIN: "1000000",
    AGENT_RATE_LIMIT_PER_MIN: "1000000",
    OWNER_RATE_LIMIT_PER_MIN: "1000000",
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : { PGLITE_DATA_DIR: "memory://" }),
    // PGlite's WASM heap lives in the same process: the ceilings are for the Postgres mode
    ...(opts.databaseUrl && DEPLOYED_NODE_OPTIONS ? { NODE_OPTIONS: DEPLOYED_NODE_OPTIONS } : {}),
    ...opts.env,
  };
  const child = track(
    spawn(process.execPath, [...(opts.nodeArgs ?? []), ...gatewayEntry().args], { cwd: PKG.gateway, env, stdio: ["ignore", fd, fd] }),
  );
  closeSync(fd);
  const deadline = Date.now() + 60_000;
  let last = "";
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway (${opts.label}) exited with ${child.exitCode}; see ${logFile}`);
    try {
      const r = await request(url, "GET", "/readyz", {});
      if (r.status === 200) break;
      last = `readyz ${r.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`gateway (${opts.label}) not ready after 60 s (${last}); see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  return { url, pid: child.pid!, child, jwtSecret, logFile, stop: () => stopChild(child) };
}
