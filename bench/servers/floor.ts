/**
 * Child process: the reference floor — a throwaway minimal gateway that exists only to show
 * what Node can do on this machine for the same job (it never ships). node:http, one undici
 * Pool to the sandbox, postgres.js with ONE statement per call (a rate-limit style upsert,
 * standing in for the gateway's admit statement) and an audit insert (batched for reads,
 * awaited before the Tasker write for writes), answering the gateway's tool routes with the
 * Tasker requests the gateway makes for them, each set in one round:
 *   get_card     item ‖ comments ‖ activities (by UUID)
 *   search_cards the search request
 *   create_card  audit (awaited) → POST work-items
 *   add_comment  audit (awaited) → POST comments
 * No authentication, validation, idempotency or presentation: a floor, not a gateway.
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
const tasker = new Pool(env("FLOOR_TASKER_URL"), { connections: 64, pipelining: 1 });
const taskerHeaders = { "x-api-key": env("FLOOR_TASKER_KEY"), "content-type": "application/json", accept: "application/json" };
const ws = `/api/v1/workspaces/${env("FLOOR_SLUG")}`;

await sql`CREATE TABLE IF NOT EXISTS floor_counters (bucket text PRIMARY KEY, count bigint NOT NULL)`;
await sql`CREATE TABLE IF NOT EXISTS floor_audit (id uuid PRIMARY KEY, tool text NOT NULL, at timestamptz NOT NULL DEFAULT now(), details jsonb NOT NULL)`;

async function taskerJson(method: "GET" | "POST", path: string, body?: unknown): Promise<unknown> {
  const res = await tasker.request({ method, path, headers: taskerHeaders, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`tasker ${res.statusCode}`);
  return JSON.parse(text);
}

// Reads' audit rows: one multi-row insert per batch, off the answer's path.
let pending: { id: string; tool: string; details: string }[] = [];
let flushing = false;
function auditLater(tool: string, details: unknown): void {
  pending.push({ id: randomUUID(), tool, details: JSON.stringify(details) });
  if (flushing) return;
  flushing = true;
  setImmediate(async () => {
    while (pending.length) {
      const batch = pending;
      pending = [];
      await sql`INSERT INTO floor_audit (id, tool, details) SELECT * FROM unnest(${batch.map((b) => b.id)}::uuid[], ${batch.map((b) => b.tool)}::text[], ${batch.map((b) => b.details)}::jsonb[])`.catch(() => {});
    }
    flushing = false;
  });
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { arguments?: Record<string, unknown> };
  return parsed.arguments ?? {};
}

async function run(tool: string, a: Record<string, unknown>): Promise<unknown> {
  await sql`INSERT INTO floor_counters (bucket, count) VALUES (${tool}, 1) ON CONFLICT (bucket) DO UPDATE SET count = floor_counters.count + 1 RETURNING count`;
  const project = String(a.project_id);
  switch (tool) {
    case "get_card": {
      const card = String(a.card);
      const base = `${ws}/projects/${project}/work-items/${card}`;
      const [item, comments, activity] = await Promise.all([taskerJson("GET", `${base}/`), taskerJson("GET", `${base}/comments/`), taskerJson("GET", `${base}/activities/`)]);
      auditLater(tool, { card });
      return { card: item, comments, activity };
    }
    case "search_cards": {
      const found = await taskerJson("GET", `${ws}/work-items/search/?search=${encodeURIComponent(String(a.query ?? ""))}&limit=${Number(a.limit ?? 20)}&project_id=${project}&workspace_search=false`);
      auditLater(tool, { query: a.query });
      return found;
    }
    case "create_card": {
      await sql`INSERT INTO floor_audit (id, tool, details) VALUES (${randomUUID()}, ${tool}, ${sql.json({ title: String(a.title) })})`;
      return taskerJson("POST", `${ws}/projects/${project}/work-items/`, { name: a.title, description_html: `<p>${String(a.description_markdown ?? "")}</p>` });
    }
    case "add_comment": {
      await sql`INSERT INTO floor_audit (id, tool, details) VALUES (${randomUUID()}, ${tool}, ${sql.json({ card: String(a.card_id) })})`;
      return taskerJson("POST", `${ws}/projects/${project}/work-items/${String(a.card_id)}/comments/`, { comment_html: `<p>${String(a.body_markdown)}</p>` });
    }
    default:
      throw new Error(`unknown tool ${tool}`);
  }
}

const server = createServer((req, res) => {
  const tool = req.url?.startsWith("/api/v1/tools/") ? req.url.slice("/api/v1/tools/".length) : "";
  readBody(req)
    .then((args) => run(tool, args))
    .then((result) => {
      const body = JSON.stringify({ result });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    })
    .catch((error: unknown) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(error) }));
    });
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
process.on("SIGTERM", () => process.exit(0));
