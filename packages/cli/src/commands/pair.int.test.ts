import { spawnSync } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "@nodedc/gateway/testing";
import { closedPort, CODEX_BIN, createTestCli, type TestCli } from "../testing/cli-harness";
import { createMemoryKeychain } from "../token-store/memory-keychain";
import { KeychainError } from "../token-store/keychain";
import { CLI_VERSION } from "../version";

/** `pair`, `status`, `doctor`, `unpair` in-process against the real gateway + Tasker sandbox. */
let stack: TestStack;
let agentId: string;

beforeAll(async () => {
  stack = await startTestStack();
  const { agent } = await stack.createAgent("demo.owner@nodedc.local", "Anna's Codex");
  agentId = agent.id;
  await stack.grant(agentId, "DEMO", ["cards:read", "cards:write", "comments:write", "sessions:report"]);
  await stack.grant(agentId, "OPS", ["cards:read"]);
});
afterAll(async () => {
  await stack?.close();
});

const CODEX_CONFIG = `# Codex settings, hand-written
model = "gpt-5-codex"
approval_policy = "never"

[profiles.review]
model = "o3" # for reviews

# the GitHub server
[mcp_servers.github]
command = "npx"
args = ["-y", "@modelcontextprotocol/server-github"]

[mcp_servers.github.env]
GITHUB_PERSONAL_ACCESS_TOKEN_VAR = "GH_PAT"
`;

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

function codex(cli: TestCli, ...args: string[]) {
  const result = spawnSync(CODEX_BIN, args, { env: { PATH: process.env.PATH, HOME: cli.home, CODEX_HOME: cli.codexHome }, encoding: "utf8", timeout: 60_000 });
  if (result.status !== 0) throw new Error(`codex ${args.join(" ")}: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

describe("pair against the real gateway", () => {
  it("stores the token, writes the Codex entry that the real codex binary reads, keeps the rest byte for byte", async () => {
    const cli = await createTestCli();
    await mkdir(cli.codexHome, { recursive: true });
    await writeFile(path.join(cli.codexHome, "config.toml"), CODEX_CONFIG);
    const code = await stack.pairingCode(agentId);

    expect(await cli.run("pair", code.toLowerCase(), "--gateway", stack.gatewayUrl, "--launcher", "npx", "--json")).toBe(0);

    const summary = JSON.parse(cli.stdout());
    expect(summary).toMatchObject({
      profile: "default",
      gateway_url: stack.gatewayUrl,
      agent: { id: agentId, display_name: "Anna's Codex" },
      owner: { email: "demo.owner@nodedc.local" },
      token: { storage: "keychain" },
      clients: [{ client: "codex", change: "updated" }],
    });
    expect(summary.grants.map((g: { project_identifier: string }) => g.project_identifier).sort()).toEqual(["DEMO", "OPS"]);
    const stored = (cli.keychain as ReturnType<typeof createMemoryKeychain>).entries.get(new URL(stack.gatewayUrl).origin)!;
    expect(stored).toMatch(/^ndca_/);
    expect(summary.token.masked).toBe(`ndca_…${stored.slice(-4)}`);
    expect(cli.stdout()).not.toContain(stored);
    expect(cli.stderr()).not.toContain(stored);
    expect(cli.stderr()).toContain("Paired as Anna's Codex");
    expect(cli.stderr()).toMatch(/Next: Restart Codex/);

    const file = path.join(cli.codexHome, "config.toml");
    const written = await readFile(file, "utf8");
    expect(written.startsWith(CODEX_CONFIG)).toBe(true);
    expect(await readFile(`${file}.bak`, "utf8")).toBe(CODEX_CONFIG);

    const listed = codex(cli, "mcp", "list", "--json") as { name: string; transport: Record<string, unknown>; startup_timeout_sec: number }[];
    expect(listed.map((s) => s.name).sort()).toEqual(["github", "nodedc-tasker"]);
    const ours = listed.find((s) => s.name === "nodedc-tasker")!;
    expect(ours).toMatchObject({
      enabled: true,
      startup_timeout_sec: 30,
      transport: {
        type: "stdio",
        command: "npx",
        args: ["-y", `nodedc-tasker@${CLI_VERSION}`, "mcp"],
        env_vars: ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"],
        env: { NODEDC_TASKER_HOME: cli.configDir },
      },
    });
    expect(codex(cli, "mcp", "get", "github", "--json")).toMatchObject({ transport: { command: "npx", env: { GITHUB_PERSONAL_ACCESS_TOKEN_VAR: "GH_PAT" } } });

    // Hard rule 8: no generated file holds the secret (the keychain does).
    for (const f of [...(await allFiles(cli.codexHome)), ...(await allFiles(cli.configDir))]) {
      const text = await readFile(f, "utf8");
      expect(text, f).not.toContain(stored);
      expect(text, f).not.toMatch(/ndca_[0-9A-Za-z]{20}/);
    }

    // Re-pairing (a new code) is idempotent for the config file: byte-identical; the old token is revoked.
    const again = await stack.pairingCode(agentId);
    expect(await cli.run("pair", again, "--launcher", "npx")).toBe(0);
    expect(await readFile(file, "utf8")).toBe(written);
    expect(cli.stderr()).toContain("Codex config unchanged");
    expect(cli.stderr()).toContain(`Previous token ndca_…${stored.slice(-4)} of this profile revoked`);
    expect((await stack.http("GET", "/api/v1/agent-session", { bearer: stored })).status).toBe(401);
  });

  it("writes a node launcher from a source checkout (auto), which codex also reads", async () => {
    const cli = await createTestCli({ scriptPath: "/work/src/nodedc-tasker/packages/cli/dist/cli.js" });
    const code = await stack.pairingCode(agentId);
    expect(await cli.run("pair", code, "--gateway", stack.gatewayUrl, "--storage", "file")).toBe(0);
    const listed = codex(cli, "mcp", "get", "nodedc-tasker", "--json") as { transport: Record<string, unknown> };
    expect(listed.transport).toMatchObject({ command: process.execPath, args: ["/work/src/nodedc-tasker/packages/cli/dist/cli.js", "mcp"] });
    expect(cli.stderr()).toMatch(/WARNING: The token is stored in .*credentials\.json \(mode 0600\)/);
  });

  it("configures Claude Code (no claude CLI on PATH: ~/.claude.json) and Cursor, and unpair removes only our entries", async () => {
    const cli = await createTestCli();
    const claudeJson = path.join(cli.home, ".claude.json");
    const cursorJson = path.join(cli.home, ".cursor", "mcp.json");
    const claudeBefore = `${JSON.stringify({ numStartups: 4, mcpServers: { other: { type: "stdio", command: "other" } }, tipsHistory: {} }, null, 2)}\n`;
    await writeFile(claudeJson, claudeBefore);
    expect(await cli.run("pair", await stack.pairingCode(agentId), "--gateway", stack.gatewayUrl, "--client", "claude,cursor", "--launcher", "npx")).toBe(0);
    const claude = JSON.parse(await readFile(claudeJson, "utf8"));
    expect(claude.numStartups).toBe(4);
    expect(claude.mcpServers.other).toEqual({ type: "stdio", command: "other" });
    expect(claude.mcpServers["nodedc-tasker"]).toEqual({
      type: "stdio",
      command: "npx",
      args: ["-y", `nodedc-tasker@${CLI_VERSION}`, "mcp"],
      env: { NODEDC_TASKER_HOME: cli.configDir },
    });
    expect(JSON.parse(await readFile(cursorJson, "utf8")).mcpServers["nodedc-tasker"]).toMatchObject({ command: "npx" });
    expect(cli.stderr()).toMatch(/Claude Code config updated: .*\.claude\.json/);
    expect(cli.stderr()).toMatch(/Next: Restart Claude Code \/ Cursor/);

    expect(await cli.run("unpair")).toBe(0);
    expect(await readFile(claudeJson, "utf8")).toBe(claudeBefore);
    expect(JSON.parse(await readFile(cursorJson, "utf8"))).toEqual({ mcpServers: {} });
  });

  it("refuses a malformed code before any network call", async () => {
    const cli = await createTestCli();
    const before = stack.logs.length;
    expect(await cli.run("pair", "ABCD-EFGH", "--gateway", stack.gatewayUrl)).toBe(2);
    expect(cli.stderr()).toMatch(/"ABCD-EFGH" is not a pairing code/);
    expect(stack.logs.length).toBe(before);
  });

  it("explains a used or expired code", async () => {
    const cli = await createTestCli();
    const code = await stack.pairingCode(agentId);
    expect(await cli.run("pair", code, "--gateway", stack.gatewayUrl, "--client", "none")).toBe(0);
    expect(await cli.run("pair", code, "--gateway", stack.gatewayUrl, "--client", "none")).toBe(1);
    expect(cli.stderr()).toMatch(/not accepted: it is wrong, already used, or expired/);
    expect(cli.stderr()).toMatch(/Ask your Tasker owner for a new pairing code/);
  });

  it("says the gateway is unreachable, and the code stays usable", async () => {
    const cli = await createTestCli();
    const code = await stack.pairingCode(agentId);
    const port = await closedPort();
    expect(await cli.run("pair", code, "--gateway", `http://127.0.0.1:${port}`)).toBe(1);
    expect(cli.stderr()).toMatch(new RegExp(`Cannot reach the gateway at http://127.0.0.1:${port} \\(ECONNREFUSED\\)\\. The pairing code was not used`));
    expect(await cli.run("pair", code, "--gateway", stack.gatewayUrl, "--client", "none")).toBe(0);
  });

  it("refuses an unwritable config dir before spending the code", async () => {
    const blocker = await createTestCli();
    await writeFile(path.join(blocker.home, "a-file"), "");
    const cli = await createTestCli({ env: { NODEDC_TASKER_HOME: path.join(blocker.home, "a-file", "state") } });
    const code = await stack.pairingCode(agentId);
    expect(await cli.run("pair", code, "--gateway", stack.gatewayUrl)).toBe(1);
    expect(cli.stderr()).toMatch(/config directory .* is not writable \(ENOTDIR\)/);
    expect(cli.stderr()).toMatch(/The pairing code was not used/);
    const ok = await createTestCli();
    expect(await ok.run("pair", code, "--gateway", stack.gatewayUrl, "--client", "none")).toBe(0);
  });

  it("refuses a corrupt config.toml, says where, leaves it untouched and keeps the code usable", async () => {
    const cli = await createTestCli();
    await mkdir(cli.codexHome, { recursive: true });
    const broken = `${CODEX_CONFIG}\n[mcp_servers.broken\ncommand = "x"\n`;
    await writeFile(path.join(cli.codexHome, "config.toml"), broken);
    const code = await stack.pairingCode(agentId);
    expect(await cli.run("pair", code, "--gateway", stack.gatewayUrl)).toBe(1);
    expect(cli.stderr()).toMatch(/config\.toml is not valid TOML at line 16, column \d+ .*left untouched/);
    expect(await readFile(path.join(cli.codexHome, "config.toml"), "utf8")).toBe(broken);
    const ok = await createTestCli();
    expect(await ok.run("pair", code, "--gateway", stack.gatewayUrl, "--client", "none")).toBe(0);
  });

  it("with --storage keychain and a locked keychain: refuses before spending the code", async () => {
    const locked = createMemoryKeychain({ fail: new KeychainError("locked", "The Secret Service keyring is locked (prompt dismissed).", "Unlock the keyring, or use --storage file.") });
    const cli = await createTestCli({ keychain: locked });
    const code = await stack.pairingCode(agentId);
    expect(await cli.run("pair", code, "--gateway", stack.gatewayUrl, "--storage", "keychain")).toBe(1);
    expect(cli.stderr()).toMatch(/keyring is locked .*--storage keychain refuses the file fallback; the pairing code was not used/);
    const auto = await createTestCli({ keychain: locked });
    expect(await auto.run("pair", code, "--gateway", stack.gatewayUrl, "--client", "none")).toBe(0);
    expect(auto.stderr()).toMatch(/WARNING: The Secret Service keyring is locked .* written to .*credentials\.json \(mode 0600\)/);
  });
});

describe("status, doctor and unpair against the real gateway", () => {
  it("reports, diagnoses, then unpairs: revoked at the gateway, token gone, only our Codex table removed", async () => {
    const cli = await createTestCli();
    await mkdir(cli.codexHome, { recursive: true });
    const file = path.join(cli.codexHome, "config.toml");
    await writeFile(file, CODEX_CONFIG);
    expect(await cli.run("pair", await stack.pairingCode(agentId), "--gateway", stack.gatewayUrl)).toBe(0);
    const token = (cli.keychain as ReturnType<typeof createMemoryKeychain>).entries.get(new URL(stack.gatewayUrl).origin)!;

    const statusCli = { ...cli };
    const outBefore = cli.stdout().length;
    expect(await statusCli.run("status", "--json")).toBe(0);
    const status = JSON.parse(cli.stdout().slice(outBefore));
    expect(status).toMatchObject({
      ok: true,
      gateway: { url: stack.gatewayUrl, reachable: true },
      token: { source: "keychain", masked: `ndca_…${token.slice(-4)}`, valid: true },
      agent: { id: agentId, display_name: "Anna's Codex", status: "active" },
    });
    expect(cli.stdout()).not.toContain(token);

    expect(await cli.run("doctor")).toBe(0);
    expect(cli.stderr()).toMatch(/✓ Node\.js/);
    expect(cli.stderr()).toMatch(/✓ gateway .* healthy/);
    expect(cli.stderr()).toMatch(/✓ token valid for agent "Anna's Codex"/);
    expect(cli.stderr()).toMatch(/✓ clock skew -?\d+ s/);
    // The checkout's entry, started as Codex would (stripped environment, cwd = HOME).
    expect(cli.stderr()).toMatch(/✓ .*config\.toml: runs \S+ \S+dist\/cli\.js mcp \(started as Codex does; initialize answered in \d+ ms\)/);

    expect(await cli.run("unpair")).toBe(0);
    expect(cli.stderr()).toMatch(/Token ndca_….{4} revoked/);
    expect(await readFile(file, "utf8")).toBe(CODEX_CONFIG);
    expect((cli.keychain as ReturnType<typeof createMemoryKeychain>).entries.size).toBe(0);
    const session = await stack.http("GET", "/api/v1/agent-session", { bearer: token });
    expect(session.status).toBe(401);

    expect(await cli.run("status")).toBe(1);
    expect(cli.stderr()).toMatch(/Not paired/);
  });

  it("unpair works offline: deletes locally, says the gateway could not revoke", async () => {
    const cli = await createTestCli();
    expect(await cli.run("pair", await stack.pairingCode(agentId), "--gateway", stack.gatewayUrl)).toBe(0);
    const port = await closedPort();
    const offline = await createTestCli({ env: { NODEDC_TASKER_HOME: cli.configDir, CODEX_HOME: cli.codexHome, NODEDC_TASKER_GATEWAY: `http://127.0.0.1:${port}` }, keychain: cli.keychain });
    expect(await offline.run("unpair")).toBe(0);
    expect(offline.stderr()).toMatch(/Could not revoke the token: The gateway at http:\/\/127\.0\.0\.1:\d+ is unreachable/);
    expect(offline.stderr()).toMatch(/Local token removed \(keychain: deleted/);
  });

  it("doctor fails with a fix when the token was revoked", async () => {
    const cli = await createTestCli();
    expect(await cli.run("pair", await stack.pairingCode(agentId), "--gateway", stack.gatewayUrl, "--client", "none")).toBe(0);
    const token = (cli.keychain as ReturnType<typeof createMemoryKeychain>).entries.get(new URL(stack.gatewayUrl).origin)!;
    expect((await stack.http("POST", "/api/v1/agent-session/revoke", { bearer: token })).status).toBeLessThan(300);
    expect(await cli.run("doctor")).toBe(1);
    expect(cli.stderr()).toMatch(/✗ This agent's token was revoked or expired\. Ask your Tasker owner for a new pairing code, then run: npx nodedc-tasker pair <code>/);
  });
});
