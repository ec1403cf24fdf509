/**
 * The whole journey: `pnpm start` exactly as the README says, as a child process; pair
 * with the banner's "from this checkout" command into a throwaway HOME and CODEX_HOME;
 * read the entry back with the real Codex CLI and `doctor`; spawn the MCP server the way Codex would (command and args from
 * config.toml, Codex's stripped environment) and drive it with the MCP SDK client; check
 * the result in the Tasker sandbox over its own API; revoke through the internal API;
 * unpair; finally grep every log and file of the run for the token and the pairing code.
 *
 * DATABASE_URL set → the gateway runs on a fresh database of that server; unset → on
 * embedded PGlite in a temp dir. Run by .ci/run once each way (`pnpm test:journey`).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { parse as parseToml } from "smol-toml";
import postgres from "postgres";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const CLI = join(ROOT, "packages/cli/dist/cli.js");
const CODEX = join(ROOT, "packages/cli/node_modules/.bin/codex");
const JWT_SECRET = `journey-${randomBytes(16).toString("hex")}`;
/** Codex passes only these to an MCP server, plus the entry's env_vars (codex-rs mcp env). */
const CODEX_DEFAULT_ENV = ["HOME", "LOGNAME", "PATH", "SHELL", "USER", "LANG", "LC_ALL", "TERM", "TMPDIR", "TZ"];

const work = mkdtempSync(join(tmpdir(), "nodedc-journey-"));
const home = join(work, "home");
const codexHome = join(home, ".codex");
const logs: string[] = [];
let stack: ChildProcess | undefined;
let gatewayUrl = "";
let sandboxUrl = "";
let pairingCode = "";
/** The banner's "from this checkout" pair command, word for word. */
let checkoutPairCommand = "";
let journeyDb: { admin: postgres.Sql; name: string } | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function log(name: string, text: string): void {
  const file = join(work, "logs", name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text, { flag: "a" });
}

function runCli(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: home, CODEX_HOME: codexHome, NO_COLOR: "1", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  // argv is not logged: for `pair` it holds the pairing code, which the grep below hunts for.
  log(`cli-${args[0]}.log`, `$ nodedc-tasker ${args[0]}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}\n`);
  return result;
}

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

/** A Launcher JWT (HS256) like Launcher would sign for a human or a service. */
function launcherJwt(claims: { sub: string; email?: string; role: "user" | "platform_admin" | "service" }): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const payload = base64url(
    JSON.stringify({ ...claims, iss: "nodedc-launcher", aud: "nodedc-agent-gateway", iat: now, exp: now + 300 }),
  );
  const signature = createHmac("sha256", JWT_SECRET).update(`${header}.${payload}`).digest("base64url");
  return `${header}.${payload}.${signature}`;
}

async function internal(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${gatewayUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${launcherJwt({ sub: "demo-owner", email: "demo.owner@nodedc.local", role: "user" })}`,
      "content-type": "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json().catch(() => null) };
}

async function sandboxGet(path: string): Promise<any> {
  const res = await fetch(`${sandboxUrl}${path}`, { headers: { "x-api-key": FIXTURE.keys.demoOwner } });
  expect(res.status, `sandbox GET ${path}`).toBe(200);
  return res.json();
}

function waitForBanner(child: ChildProcess, timeoutMs: number): Promise<{ code: string; checkoutCommand: string }> {
  return new Promise((resolve, reject) => {
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`pnpm start printed no pair command in time:\n${stderr}`)), timeoutMs);
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /pair ([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}) --gateway/.exec(stderr);
      const checkout = /from this checkout:\s+(.+)$/m.exec(stderr);
      if (match && checkout) {
        clearTimeout(timer);
        resolve({ code: match[1]!, checkoutCommand: checkout[1]!.trim() });
      }
    });
    child.once("exit", (code) => reject(new Error(`pnpm start exited early (${code}):\n${stderr}`)));
  });
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

beforeAll(async () => {
  mkdirSync(codexHome, { recursive: true });
  const [port, sandboxPort] = [await freePort(), await freePort()];
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    TASKER_SANDBOX_PORT: String(sandboxPort),
    PGLITE_DATA_DIR: join(work, "pglite"),
    LAUNCHER_JWT_SECRET: JWT_SECRET,
    NODEDC_SKIP_BUILD: "1",
  };
  if (process.env.DATABASE_URL) {
    const name = `nodedc_journey_${randomBytes(4).toString("hex")}`;
    const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${name}`);
    journeyDb = { admin, name };
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  } else {
    delete env.DATABASE_URL;
  }
  stack = spawn("pnpm", ["start"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  stack.stdout?.on("data", (c: Buffer) => log("pnpm-start.stdout.log", c.toString()));
  stack.stderr?.on("data", (c: Buffer) => log("pnpm-start.stderr.log", c.toString()));
  const banner = await waitForBanner(stack, 150_000);
  pairingCode = banner.code;
  checkoutPairCommand = banner.checkoutCommand;
  gatewayUrl = `http://127.0.0.1:${port}`;
  sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  logs.push(join(work, "logs"));
}, 180_000);

/** Stops `pnpm start` and waits for it to exit: after that, every log line it wrote is on disk. */
async function stopStack(): Promise<void> {
  const child = stack;
  stack = undefined;
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  try {
    process.kill(-child.pid, "SIGINT");
  } catch {
    /* already gone */
  }
  await exited;
}

afterAll(async () => {
  await stopStack();
  if (journeyDb) {
    await journeyDb.admin.unsafe(`DROP DATABASE IF EXISTS ${journeyDb.name} WITH (FORCE)`).catch(() => {});
    await journeyDb.admin.end();
  }
});

describe("journey: Connect Codex → a card changed in Tasker", () => {
  const existingConfig = [
    "# my Codex settings — keep me",
    'model = "gpt-5-codex"',
    'approval_policy = "never"',
    "",
    "[mcp_servers.other]",
    'command = "other-server"',
    'args = ["--flag"]',
    "",
    "[profiles.work]",
    'model = "o3"  # inline comment',
    "",
  ].join("\n");
  let client: Client;
  let token = "";
  let createdIdentifier = "";
  let createdId = "";
  let keychainCode = "";

  it("pairs with the printed code and writes the Codex entry, keeping the rest of config.toml", () => {
    writeFileSync(join(codexHome, "config.toml"), existingConfig);
    // Exactly what the banner prints for this checkout (pnpm exec runs the bin through the
    // workspace link node_modules/.bin/../nodedc-tasker), plus where to keep the token.
    const words = checkoutPairCommand.split(/\s+/);
    expect(words.slice(0, 4)).toEqual(["pnpm", "exec", "nodedc-tasker", "pair"]);
    const pair = spawnSync(words[0]!, [...words.slice(1), "--storage", "file", "--device", "journey-laptop"], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: home, CODEX_HOME: codexHome, NO_COLOR: "1" },
      encoding: "utf8",
      timeout: 60_000,
    });
    log("cli-pair.log", `$ pnpm exec nodedc-tasker pair\n--- stdout\n${pair.stdout}\n--- stderr\n${pair.stderr}\n`);
    expect(pair.status, pair.stderr).toBe(0);
    expect(pair.stderr).toContain("Demo agent");
    expect(pair.stderr).toMatch(/DEMO/);

    const text = readFileSync(join(codexHome, "config.toml"), "utf8");
    expect(text.startsWith(existingConfig.trimEnd())).toBe(true);
    const parsed = parseToml(text) as any;
    expect(parsed.mcp_servers.other).toEqual({ command: "other-server", args: ["--flag"] });
    expect(parsed.profiles.work.model).toBe("o3");
    const entry = parsed.mcp_servers["nodedc-tasker"];
    expect(entry.startup_timeout_sec).toBe(30);
    expect(entry.args.at(-1)).toBe("mcp");
    // A checkout is not a published package: node + this checkout's real dist/cli.js, never npx.
    expect(entry.command).not.toMatch(/npx/);
    expect(entry.args).toEqual([realpathSync(CLI), "mcp"]);
    if (process.platform === "linux") expect(entry.env_vars).toEqual(expect.arrayContaining(["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"]));

    const stored = filesUnder(join(home, ".config", "nodedc-tasker")).map((f) => readFileSync(f, "utf8")).join("\n");
    token = /ndca_[0-9A-Za-z]{46}/.exec(stored)?.[0] ?? "";
    expect(token).not.toBe("");
    expect(text).not.toContain(token);
  });

  it("doctor starts that entry as Codex would and passes", () => {
    const doctor = runCli(["doctor"]);
    expect(doctor.status, doctor.stderr).toBe(0);
    expect(doctor.stderr).toMatch(/✓ .*config\.toml: runs .*dist\/cli\.js mcp \(started as Codex does; initialize answered in \d+ ms\)/);
  });

  it("is listed by the real Codex CLI", () => {
    const list = spawnSync(CODEX, ["mcp", "list", "--json"], { env: { ...process.env, CODEX_HOME: codexHome, HOME: home }, encoding: "utf8" });
    log("codex-mcp-list.log", list.stdout + list.stderr);
    expect(list.status, list.stderr).toBe(0);
    const servers = JSON.parse(list.stdout) as { name: string; transport: { type: string; command: string; args: string[] } }[];
    const ours = servers.find((s) => s.name === "nodedc-tasker");
    expect(ours?.transport.type).toBe("stdio");
    expect(ours?.transport.args.at(-1)).toBe("mcp");
    expect(servers.some((s) => s.name === "other")).toBe(true);
  });

  it("starts the MCP server as Codex would and answers whoami, list_projects, describe_project", async () => {
    const entry = (parseToml(readFileSync(join(codexHome, "config.toml"), "utf8")) as any).mcp_servers["nodedc-tasker"];
    const env: Record<string, string> = {};
    for (const name of [...CODEX_DEFAULT_ENV, ...(entry.env_vars ?? [])]) {
      const value = name === "HOME" ? home : process.env[name];
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, entry.env ?? {});
    // Codex starts servers from HOME, not from this checkout.
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env, cwd: home, stderr: "pipe" });
    transport.stderr?.on("data", (c: Buffer) => log("mcp.stderr.log", c.toString()));
    client = new Client({ name: "journey-codex", version: "1.0.0" });
    await client.connect(transport);
    expect(client.getInstructions()).toContain("tasker-content");

    const tools = await client.listTools();
    const names = tools.tools.map((t) => t.name).sort();
    expect(names).toEqual(
      ["add_comment", "create_card", "describe_project", "get_card", "get_recent_activity", "list_projects", "report_session", "search_cards", "update_card", "whoami"].sort(),
    );
    for (const t of tools.tools) expect(t.name).not.toMatch(/delete|archive|remove|move/);

    const who = await client.callTool({ name: "whoami", arguments: {} });
    expect(who.isError).toBeFalsy();
    expect((who.structuredContent as any).agent.display_name).toBe("Demo agent");

    const projects = await client.callTool({ name: "list_projects", arguments: {} });
    const list = (projects.structuredContent as any).projects as { id: string; identifier: string; scopes: string[] }[];
    expect(list.map((p) => p.identifier).sort()).toEqual(["DEMO", "OPS"]);
    expect(list.find((p) => p.identifier === "OPS")?.scopes).toEqual(["cards:read"]);

    const described = await client.callTool({ name: "describe_project", arguments: { project_id: FIXTURE.projects.demo.id } });
    expect(described.isError).toBeFalsy();
    expect((described.structuredContent as any).states.length).toBeGreaterThanOrEqual(5);
  });

  it("creates, finds, reads, updates, comments and reports on a card", async () => {
    const demo = FIXTURE.projects.demo.id;
    const created = await client.callTool({
      name: "create_card",
      arguments: { project_id: demo, title: "Journey card", description_markdown: "Made by the **journey** test.", priority: "high", idempotency_key: "journey-create-0001" },
    });
    expect(created.isError, JSON.stringify(created.content)).toBeFalsy();
    const card = (created.structuredContent as any).card;
    createdId = card.id;
    createdIdentifier = card.identifier;
    expect(createdIdentifier).toMatch(/^DEMO-\d+$/);

    const replay = await client.callTool({
      name: "create_card",
      arguments: { project_id: demo, title: "Journey card", description_markdown: "Made by the **journey** test.", priority: "high", idempotency_key: "journey-create-0001" },
    });
    expect((replay.structuredContent as any).card.id).toBe(createdId);

    const found = await client.callTool({ name: "search_cards", arguments: { project_id: demo, query: "Journey card" } });
    expect((found.structuredContent as any).cards.map((c: any) => c.id)).toContain(createdId);

    const got = await client.callTool({ name: "get_card", arguments: { project_id: demo, card: createdIdentifier } });
    expect(got.isError).toBeFalsy();
    expect((got.structuredContent as any).card.id).toBe(createdId);
    expect((got.structuredContent as any).card.description_markdown).toContain("<tasker-content untrusted=\"true\">");

    const updated = await client.callTool({
      name: "update_card",
      arguments: { project_id: demo, card_id: createdId, title: "Journey card (updated)", priority: "low", idempotency_key: "journey-update-0001" },
    });
    expect(updated.isError, JSON.stringify(updated.content)).toBeFalsy();
    expect((updated.structuredContent as any).previous.priority).toBe("high");

    const comment = await client.callTool({
      name: "add_comment",
      arguments: { project_id: demo, card_id: createdId, body_markdown: "Looks good from the journey.", idempotency_key: "journey-comment-0001" },
    });
    expect(comment.isError, JSON.stringify(comment.content)).toBeFalsy();

    const session = await client.callTool({
      name: "report_session",
      arguments: { project_id: demo, card_id: createdId, status: "completed", summary: "Journey done", idempotency_key: "journey-session-0001" },
    });
    expect(session.isError, JSON.stringify(session.content)).toBeFalsy();
  });

  it("refuses a write to the read-only OPS project and any unknown (delete-like) tool", async () => {
    const ops = await client.callTool({
      name: "create_card",
      arguments: { project_id: FIXTURE.projects.ops.id, title: "Should not exist", idempotency_key: "journey-ops-0001" },
    });
    expect(ops.isError).toBe(true);
    expect(JSON.stringify(ops.content)).toMatch(/cards:write/);

    const del = await client.callTool({ name: "delete_card", arguments: { project_id: FIXTURE.projects.demo.id, card_id: createdId } }).catch((e: Error) => ({ isError: true, content: [{ type: "text", text: e.message }] }));
    expect(del.isError).toBe(true);
  });

  it("shows the change in Tasker, attributed to the agent, with zero DELETE requests", async () => {
    const item = await sandboxGet(`/api/v1/workspaces/nodedc/projects/${FIXTURE.projects.demo.id}/work-items/${createdId}/`);
    expect(item.name).toBe("Journey card (updated)");
    expect(item.priority).toBe("low");
    expect(item.description_html).toContain("Demo agent");
    expect(item.description_html).toContain("demo.owner@nodedc.local");
    const comments = await sandboxGet(`/api/v1/workspaces/nodedc/projects/${FIXTURE.projects.demo.id}/work-items/${createdId}/comments/`);
    expect(comments.results.length).toBe(2);
    const opsItems = await sandboxGet(`/api/v1/workspaces/nodedc/projects/${FIXTURE.projects.ops.id}/work-items/`);
    expect(opsItems.results.some((i: any) => i.name === "Should not exist")).toBe(false);
    const deletes = await (await fetch(`${sandboxUrl}/_sandbox/requests?method=DELETE`)).json();
    expect(deletes.count).toBe(0);
  });

  it("a token revoked by its owner fails on the very next call with an actionable message", async () => {
    const agents = await internal("GET", "/api/v1/agents");
    expect(agents.status).toBe(200);
    const agent = agents.json.items.find((a: any) => a.display_name === "Demo agent");
    expect(agent.connection_status).toBe("connected");
    const tokens = await internal("GET", `/api/v1/agents/${agent.id}/tokens`);
    const live = tokens.json.items.filter((t: any) => !t.revoked_at && t.last4 === token.slice(-4));
    expect(live).toHaveLength(1);
    const revoked = await internal("POST", `/api/v1/agents/${agent.id}/tokens/${live[0].id}/revoke`);
    expect(revoked.status).toBe(200);

    const after = await client.callTool({ name: "whoami", arguments: {} });
    expect(after.isError).toBe(true);
    expect(JSON.stringify(after.content)).toMatch(/pair/);
    await client.close();
  });

  it("unpair removes our Codex entry and nothing else", () => {
    const unpair = runCli(["unpair"]);
    expect(unpair.status, unpair.stderr).toBe(0);
    const text = readFileSync(join(codexHome, "config.toml"), "utf8");
    const parsed = parseToml(text) as any;
    expect(parsed.mcp_servers["nodedc-tasker"]).toBeUndefined();
    expect(parsed.mcp_servers.other).toEqual({ command: "other-server", args: ["--flag"] });
    expect(text).toContain("# my Codex settings — keep me");
  });

  it("pairs again with the token in the real OS keychain (gnome-keyring over D-Bus), then unpairs", async () => {
    const agents = await internal("GET", "/api/v1/agents");
    const agent = agents.json.items.find((a: any) => a.display_name === "Demo agent");
    const fresh = await internal("POST", `/api/v1/agents/${agent.id}/pairing-codes`, {});
    expect(fresh.status).toBe(201);
    keychainCode = fresh.json.code;
    const script = [
      'echo -n journey-keyring-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
      `exec node ${join(ROOT, "test/journey/keychain-leg.mjs")} "$@"`,
    ].join("\n");
    const run = spawnSync("dbus-run-session", ["--", "bash", "-c", script, "keychain-leg", CLI, gatewayUrl, keychainCode, home, codexHome], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: home },
      encoding: "utf8",
      timeout: 120_000,
    });
    log("keychain-leg.log", `${run.stdout}\n--- stderr\n${run.stderr}`);
    const steps = Object.fromEntries(run.stdout.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)).map((s: any) => [s.step, s]));
    expect(steps.pair?.status, run.stdout + run.stderr).toBe(0);
    expect(steps.pair.stderr).toMatch(/keychain|keyring|Secret Service/i);
    expect(steps.whoami).toMatchObject({ isError: false, agent: "Demo agent" });
    expect(steps.status.json.token.source).toBe("keychain");
    expect(steps.unpair.status).toBe(0);
    // Nothing on disk holds the keychain token: the credentials file has no new ndca_ token.
    const onDisk = filesUnder(join(home, ".config", "nodedc-tasker")).map((f) => readFileSync(f, "utf8")).join("\n");
    expect((onDisk.match(/ndca_[0-9A-Za-z]{46}/g) ?? []).filter((t) => t !== token)).toEqual([]);
  });

  it("no log or file of the run contains the token or the pairing code", async () => {
    // Every log line of the calls above is on disk once the stack has exited.
    await stopStack();
    const codes = [pairingCode, keychainCode].map((c) => c.replace("-", ""));
    const haystacks = [...filesUnder(join(work, "logs")), ...filesUnder(codexHome)];
    expect(haystacks.length).toBeGreaterThan(3);
    for (const file of haystacks) {
      let text = readFileSync(file, "utf8");
      // The sandbox banner shows the code to the human who started it: that pair command
      // line is the product's output, not a log, so it alone is allowed to hold the code.
      if (file.endsWith("pnpm-start.stderr.log")) text = text.replace(/^.*nodedc-tasker pair [A-Z]{4}-[A-Z]{4} --gateway.*$/gm, "");
      expect(text.includes(token), `token found in ${file}`).toBe(false);
      for (const code of codes) expect(text.includes(code), `pairing code found in ${file}`).toBe(false);
    }
  });
});
