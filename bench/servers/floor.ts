/**
 * Child process: the reference floor — a throwaway minimal gateway that exists only to show
 * what Node can do on this machine for the same job (it never ships; issue 15). node:http,
 * one undici Pool to the sandbox, postgres.js, answering the gateway's four tool routes with
 * the Tasker requests the gateway makes for them, each set in one round:
 *   get_card     admit statement → item ‖ comments ‖ activities (by UUID) → audit, batched
 *   search_cards admit statement → search ‖ the project's work items → audit, batched
 *   create_card  ONE statement (admit + idempotency claim + the audit event, committed: durable
 *                before Tasker is written) → POST work-items → the answer stored in the
 *                idempotency record before it is sent (awaited, synchronous_commit off, as the
 *                gateway stores it since issue 11)
 *   add_comment  the same → POST comments
 * A write whose Idempotency-Key was already claimed is answered from its record (or 409
 * while in flight), never written twice. Batched = one multi-row statement for everything
 * that queued while the previous one ran, off the answer's path (as the gateway's audit
 * batcher does). No authentication, validation, policy or presentation: a floor, not a gateway.
 * Env: FLOOR_DATABASE_URL, FLOOR_TASKER_URL, FLOOR_TASKER_KEY, FLOOR_SLUG.
 * Prints one JSON line `{ready, url}`.
 */
import { createServer, type IncomingMessage } from "node:http";
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";

const load = createRequire(new URL("../../packages/gateway/package.json", import.meta.url));
const { Pool } = load("undici") as typeof import("undici");
const postgres = load("postgres") as typeof import("postgres").default;

const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const sql = postgres(env("FLOOR_DATABASE_URL"), { max: 10, onnotice: () => {} });
// the completions' pool: no wait for the WAL flush (a database crash right after the answer leaves the record in flight)
const relaxed = postgres(env("FLOOR_DATABASE_URL"), { max: 4, onnotice: () => {}, connection: { synchronous_commit: "off" } });
const tasker = new Pool(env("FLOOR_TASKER_URL"), { connections: 64, pipelining: 1 });
const taskerHeaders = { "x-api-key": env("FLOOR_TASKER_KEY"), "content-type": "application/json", accept: "application/json" };
const ws = `/api/v1/workspaces/${env("FLOOR_SLUG")}`;

// UNLOGGED like the gateway's rate-limit counters: the admit statement of a read waits for no WAL flush
await sql`CREATE UNLOGGED TABLE IF NOT EXISTS floor_counters (bucket text PRIMARY KEY, count bigint NOT NULL)`;
await sql`CREATE TABLE IF NOT EXISTS floor_audit (id uuid PRIMARY KEY, tool text NOT NULL, at timestamptz NOT NULL DEFAULT now(), details jsonb NOT NULL)`;
await sql`CREATE TABLE IF NOT EXISTS floor_idempotency (key text PRIMARY KEY, tool text NOT NULL, status text NOT NULL, response jsonb)`;

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function taskerJson(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  const res = await tasker.request({ method, path, headers: taskerHeaders, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new HttpFailure(502, `tasker ${res.statusCode}`);
  return JSON.parse(text);
}

/** Rows queued while a flush runs go into the next multi-row statement, off the answers' path. */
function batcher<T>(flush: (rows: T[]) => Promise<unknown>): (row: T) => void {
  let pending: T[] = [];
  let flushing = false;
  return (row) => {
    pending.push(row);
    if (flushing) return;
    flushing = true;
    setImmediate(async () => {
      while (pending.length) {
        const batch = pending;
        pending = [];
        await flush(batch).catch(() => {});
      }
      flushing = false;
    });
  };
}

const auditLater = batcher<{ id: string; tool: string; details: string }>(
  (b) => sql`INSERT INTO floor_audit (id, tool, details) SELECT * FROM unnest(${b.map((r) => r.id)}::uuid[], ${b.map((r) => r.tool)}::text[], ${b.map((r) => r.details)}::jsonb[])`,
);

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { arguments?: Record<string, unknown> };
  return parsed.arguments ?? {};
}

async function admit(tool: string): Promise<void> {
  await sql`INSERT INTO floor_counters (bucket, count) VALUES (${tool}, 1) ON CONFLICT (bucket) DO UPDATE SET count = floor_counters.count + 1 RETURNING count`;
}

/**
 * A write: admit, claim the key and write the audit event in one statement (one commit, so
 * the event is durable before Tasker is touched), then the Tasker write, then the completion.
 */
async function write(tool: string, key: string | undefined, details: unknown, run: () => Promise<unknown>): Promise<unknown> {
  if (!key) throw new HttpFailure(400, "Idempotency-Key required");
  const [row] = await sql<{ claimed: string | null; status: string | null; response: unknown }[]>`
    WITH admit AS (
      INSERT INTO floor_counters (bucket, count) VALUES (${tool}, 1)
      ON CONFLICT (bucket) DO UPDATE SET count = floor_counters.count + 1 RETURNING count
    ), claim AS (
      INSERT INTO floor_idempotency (key, tool, status) SELECT ${key}, ${tool}, 'in_flight' FROM admit
      ON CONFLICT (key) DO NOTHING RETURNING key
    ), audit AS (
      INSERT INTO floor_audit (id, tool, details) SELECT ${randomUUID()}, ${tool}, ${sql.json(details as never)} FROM claim RETURNING id
    )
    SELECT (SELECT key FROM claim) AS claimed, (SELECT count(*) FROM audit) AS audited, f.status, f.response
    FROM (SELECT 1) one LEFT JOIN floor_idempotency f ON f.key = ${key}`;
  if (!row?.claimed) {
    if (row?.status === "completed") return row.response;
    throw new HttpFailure(409, "in flight");
  }
  const result = await run();
  await relaxed`UPDATE floor_idempotency SET status = 'completed', response = ${sql.json(result as never)} WHERE key = ${key}`;
  return result;
}

async function run(tool: string, a: Record<string, unknown>, key: string | undefined): Promise<unknown> {
  const project = String(a.project_id);
  switch (tool) {
    case "get_card": {
      await admit(tool);
      const card = String(a.card);
      const base = `${ws}/projects/${project}/work-items/${card}`;
      const [item, comments, activity] = await Promise.all([taskerJson("GET", `${base}/`), taskerJson("GET", `${base}/comments/`), taskerJson("GET", `${base}/activities/`)]);
      auditLater({ id: randomUUID(), tool, details: JSON.stringify({ card }) });
      return { card: item, comments, activity };
    }
    case "search_cards": {
      await admit(tool);
      // the gateway's two requests, in one round: the search ‖ the project's work items (for their details)
      const [found, items] = await Promise.all([
        taskerJson("GET", `${ws}/work-items/search/?search=${encodeURIComponent(String(a.query ?? ""))}&limit=100&project_id=${project}&workspace_search=false`),
        taskerJson("GET", `${ws}/projects/${project}/work-items/?per_page=100`),
      ]);
      auditLater({ id: randomUUID(), tool, details: JSON.stringify({ query: a.query }) });
      return { found, items };
    }
    case "create_card":
      return write(tool, key, { title: String(a.title) }, () =>
        taskerJson("POST", `${ws}/projects/${project}/work-items/`, { name: a.title, description_html: `<p>${String(a.description_markdown ?? "")}</p>` }),
      );
    case "add_comment":
      return write(tool, key, { card: String(a.card_id) }, () =>
        taskerJson("POST", `${ws}/projects/${project}/work-items/${String(a.card_id)}/comments/`, { comment_html: `<p>${String(a.body_markdown)}</p>` }),
      );
    default:
      throw new HttpFailure(404, `unknown tool ${tool}`);
  }
}

const server = createServer((req, res) => {
  const tool = req.url?.startsWith("/api/v1/tools/") ? req.url.slice("/api/v1/tools/".length) : "";
  readBody(req)
    .then((args) => run(tool, args, req.headers["idempotency-key"] as string | undefined))
    .then((result) => {
      const body = JSON.stringify({ result });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    })
    .catch((error: unknown) => {
      res.writeHead(error instanceof HttpFailure ? error.status : 500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(error) }));
    });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.on("SIGTERM", () => process.exit(0));
