// Cold start of the built `mcp` command: spawn → `initialize` answered, median of N runs,
// plus the RSS of the idle server. Usage: node scripts/measure-mcp-start.mjs [runs]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.js");
const runs = Number(process.argv[2] ?? 10);
const env = {
  ...process.env,
  // No stored state at all: env token + gateway (nothing listens there; initialize must not care).
  NODEDC_TASKER_TOKEN: "ndca_" + "A".repeat(40) + "000000",
  NODEDC_TASKER_GATEWAY: "http://127.0.0.1:9",
  NODEDC_TASKER_HOME: "/nonexistent-nodedc-tasker-home",
};

// Baseline: a bare Node process that answers one line (what any Node-based server costs here).
const BARE = `process.stdin.once("data", () => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id: 1, result: { instructions: "x", protocolVersion: "-" } }) + "\\n")); process.stdin.on("end", () => process.exit(0));`;

function once(measureRss, bare = false) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const args = bare ? ["-e", BARE] : [cli, "mcp"];
    const child = spawn(process.execPath, args, { env, stdio: ["pipe", "pipe", "ignore"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (!out.includes("\n")) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const reply = JSON.parse(out.split("\n")[0]);
      if (!reply.result?.instructions) reject(new Error("no instructions"));
      let rssMb = null;
      const finish = () => {
        child.stdin.end();
        child.on("exit", () => resolve({ ms, rssMb, protocol: reply.result.protocolVersion }));
      };
      if (!measureRss) return finish();
      setTimeout(() => {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
        finish();
      }, 1000);
    });
    child.on("error", reject);
    child.stdin.write(
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "measure", version: "0" } } }) + "\n",
    );
  });
}

const median = (values) => {
  const v = [...values].sort((a, b) => a - b);
  return Math.round((v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) * 10) / 10;
};
const times = [];
const bare = [];
let last;
for (let i = 0; i < runs; i++) {
  bare.push((await once(false, true)).ms); // interleaved, so machine load hits both alike
  last = await once(i === runs - 1);
  times.push(last.ms);
}
console.log(
  JSON.stringify({
    runs,
    median_ms: median(times),
    min_ms: Math.round(Math.min(...times)),
    max_ms: Math.round(Math.max(...times)),
    bare_node_median_ms: median(bare),
    idle_rss_mb: Math.round(last.rssMb * 10) / 10,
    protocol: last.protocol,
    loadavg: (await import("node:os")).loadavg().map((l) => Math.round(l * 10) / 10),
  }),
);
