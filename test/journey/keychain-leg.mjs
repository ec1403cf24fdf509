// The keychain leg of the journey, run by journey.journey.ts inside `dbus-run-session` with
// a fresh, unlocked gnome-keyring: pair with --storage keychain, start the MCP server the
// way Codex would (its env_vars carry the session bus), call whoami, then unpair.
// Prints one JSON line per step; never the token.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { parse as parseToml } from "smol-toml";

const [cli, gateway, code, home, codexHome] = process.argv.slice(2);
const CODEX_DEFAULT_ENV = ["HOME", "LOGNAME", "PATH", "SHELL", "USER", "LANG", "LC_ALL", "TERM", "TMPDIR", "TZ"];
const baseEnv = { PATH: process.env.PATH, HOME: home, CODEX_HOME: codexHome, NO_COLOR: "1", DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS ?? "" };
const out = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);
const cliRun = (args) => spawnSync(process.execPath, [cli, ...args], { env: baseEnv, encoding: "utf8", timeout: 60_000 });

const pair = cliRun(["pair", code, "--gateway", gateway, "--storage", "keychain", "--device", "journey-keychain"]);
out({ step: "pair", status: pair.status, stderr: pair.stderr });
if (pair.status !== 0) process.exit(0);

const entry = parseToml(readFileSync(join(codexHome, "config.toml"), "utf8")).mcp_servers["nodedc-tasker"];
const env = {};
for (const name of [...CODEX_DEFAULT_ENV, ...(entry.env_vars ?? [])]) {
  const value = name === "HOME" ? home : process.env[name];
  if (value !== undefined) env[name] = value;
}
Object.assign(env, entry.env ?? {});
const client = new Client({ name: "journey-codex-keychain", version: "1.0.0" });
await client.connect(new StdioClientTransport({ command: entry.command, args: entry.args, env, cwd: home, stderr: "ignore" }));
const who = await client.callTool({ name: "whoami", arguments: {} });
out({ step: "whoami", isError: who.isError ?? false, agent: who.structuredContent?.agent?.display_name ?? null, text: who.isError ? who.content : null });
await client.close();

const status = cliRun(["status", "--json"]);
out({ step: "status", status: status.status, json: status.stdout ? JSON.parse(status.stdout) : null });

const unpair = cliRun(["unpair"]);
out({ step: "unpair", status: unpair.status, stderr: unpair.stderr });
