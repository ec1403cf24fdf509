import http from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { ROOT } from "./paths.ts";

/** One HTTP operation as both the latency loop and autocannon understand it. */
export interface HttpOp {
  name: string;
  method: "GET" | "POST";
  /** Path with query, relative to the base URL's origin. */
  path: string;
  headers: Record<string, string>;
  /** Body for call number i (a unique Idempotency-Key / title per call for writes). */
  body?: (i: number) => string;
  /** Extra per-call headers (Idempotency-Key). */
  perCallHeaders?: (i: number) => Record<string, string>;
  write: boolean;
}

export interface HttpReply {
  status: number;
  body: string;
}

const agents = new Map<number, http.Agent>();
function agentFor(maxSockets: number): http.Agent {
  let a = agents.get(maxSockets);
  if (!a) {
    a = new http.Agent({ keepAlive: true, maxSockets });
    agents.set(maxSockets, a);
  }
  return a;
}

export function destroyAgents(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

/** Plain keep-alive request; the body is read fully. */
export function request(baseUrl: string, method: string, path: string, headers: Record<string, string>, body?: string, maxSockets = 1): Promise<HttpReply> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        agent: agentFor(maxSockets),
        headers: body !== undefined ? { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) } : headers,
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Runs op call i, throws unless 2xx. */
export async function callOp(baseUrl: string, op: HttpOp, i: number, maxSockets = 1): Promise<HttpReply> {
  const r = await request(baseUrl, op.method, op.path, { ...op.headers, ...(op.perCallHeaders?.(i) ?? {}) }, op.body?.(i), maxSockets);
  if (r.status < 200 || r.status > 299) throw new Error(`${op.name}: HTTP ${r.status} ${r.body.slice(0, 200)}`);
  return r;
}

interface AutocannonResult {
  duration: number;
  "2xx": number;
  non2xx: number;
  errors: number;
  timeouts: number;
  requests: { total: number; average: number };
}
type AutocannonFn = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(join(ROOT, "package.json"))("autocannon") as AutocannonFn;

export interface LoadFigure {
  concurrency: number;
  callsPerSec: number;
  ok: number;
  failed: number;
  seconds: number;
}

/** Call numbers of load runs: unique across runs, so no write is ever an idempotent replay. */
let loadSeq = 10_000_000;

/**
 * calls/s at `connections` concurrent keep-alive callers with autocannon; writes get a fresh
 * Idempotency-Key and body per request through `setupRequest`.
 */
export async function loadOp(baseUrl: string, op: HttpOp, connections: number, limit: { seconds: number; amount?: number }): Promise<LoadFigure> {
  const url = new URL(op.path, baseUrl);
  const r = await autocannon({
    url: url.origin,
    connections,
    pipelining: 1,
    timeout: 30,
    ...(limit.amount ? { amount: Math.max(limit.amount, connections) } : { duration: limit.seconds }),
    requests: [
      {
        method: op.method,
        path: url.pathname + url.search,
        headers: { ...op.headers, ...(op.body ? { "content-type": "application/json" } : {}) },
        setupRequest: (req: { headers?: Record<string, string>; body?: string }) => {
          const i = loadSeq++;
          return {
            ...req,
            headers: { ...(req.headers ?? {}), ...(op.perCallHeaders?.(i) ?? {}) },
            ...(op.body ? { body: op.body(i) } : {}),
          };
        },
      },
    ],
  });
  const seconds = r.duration;
  return { concurrency: connections, callsPerSec: r["2xx"] / seconds, ok: r["2xx"], failed: r.non2xx + r.errors + r.timeouts, seconds };
}
