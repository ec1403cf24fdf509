import { ROUTE_DOCS } from "./route-docs";
import { openApiPath } from "./openapi";

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** A self-contained API reference (no CDN, no script): every route, its auth, and links to the JSON. */
export function renderDocsPage(version: string, openapiJson: Record<string, unknown>): string {
  const rows = ROUTE_DOCS.map(
    (d) =>
      `<tr><td class="m ${d.method}">${d.method.toUpperCase()}</td><td><code>${escape(openApiPath(d.path))}</code></td>` +
      `<td>${escape(d.summary)}</td><td>${d.auth === "none" ? "public" : d.auth === "launcher_jwt" ? "Launcher JWT" : "agent token"}` +
      `${d.who ? `<br><small>${escape(d.who)}</small>` : ""}</td><td>${d.status}</td></tr>`,
  ).join("\n");
  const schemaDump = escape(JSON.stringify(openapiJson, null, 2));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nodedc-tasker gateway API ${escape(version)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1d1d1f}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}
.m{font-weight:600;font-family:monospace}.get{color:#0a7}.post{color:#06c}.patch{color:#b60}.delete{color:#c22}
pre{background:#f5f5f7;padding:1rem;overflow:auto;max-height:40rem}
</style></head><body>
<h1>nodedc-tasker gateway API <small>${escape(version)}</small></h1>
<p>Base path <code>/api/v1</code>, JSON, snake_case. Errors: <code>{"error":{"code","message","request_id","retryable","details?"}}</code>.
Machine-readable: <a href="/api/v1/openapi.json">openapi.json</a>.</p>
<table><thead><tr><th>method</th><th>path</th><th>does</th><th>auth</th><th>status</th></tr></thead><tbody>
${rows}
</tbody></table>
<details><summary>Full OpenAPI document</summary><pre>${schemaDump}</pre></details>
</body></html>`;
}
