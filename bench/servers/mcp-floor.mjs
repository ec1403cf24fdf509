/**
 * The floor of `nodedc-tasker mcp` for bench/mcp-ab.ts: the least a stdio → HTTP forwarder
 * does per tools/call (line split, JSON.parse, one keep-alive node:http request, the result
 * wrapped as text + structuredContent, one stdout write), with no SDK and no checks. Never
 * shipped; it answers initialize and tools/call only.
 */
import { Buffer } from "node:buffer";
import http from "node:http";
const agent = new http.Agent({ keepAlive: true });
const base = new URL(process.env.NODEDC_TASKER_GATEWAY);
const token = process.env.NODEDC_TASKER_TOKEN;
let pending = "";
process.stdin.on("data", (chunk) => {
  pending += chunk;
  let nl;
  while ((nl = pending.indexOf("\n")) !== -1) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    const m = JSON.parse(line);
    if (m.method === "initialize") process.stdout.write(JSON.stringify({ result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "raw", version: "0" } }, jsonrpc: "2.0", id: m.id }) + "\n");
    else if (m.method === "tools/call") {
      const body = JSON.stringify({ arguments: m.params.arguments });
      const req = http.request({ hostname: base.hostname, port: base.port, path: `/api/v1/tools/${m.params.name}`, method: "POST", agent, headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": Buffer.byteLength(body), accept: "application/json" } }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const result = JSON.parse(Buffer.concat(chunks).toString()).result;
          process.stdout.write(JSON.stringify({ result: { content: [{ type: "text", text: JSON.stringify(result) }], structuredContent: result }, jsonrpc: "2.0", id: m.id }) + "\n");
        });
      });
      req.end(body);
    }
  }
});
