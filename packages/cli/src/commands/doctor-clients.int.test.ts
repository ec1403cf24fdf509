import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tomlString } from "../client-config/codex";
import { BUILT_CLI, createTestCli, ensureBuiltCli } from "../testing/cli-harness";
import { checkClientConfigs } from "./doctor-clients";

/**
 * doctor starts each client entry the way the client would. A stand-in server answers
 * `initialize` only when it got NEEDED_VAR and runs in HOME, so the tests see both the
 * stripped environment and the working directory Codex gives it.
 */
const FAKE_SERVER = `
if (!process.env.NEEDED_VAR) { console.error("NEEDED_VAR is not set"); process.exit(3); }
if (process.cwd() !== process.env.HOME) { console.error("cwd " + process.cwd()); process.exit(4); }
process.stdin.once("data", (d) => {
  const id = JSON.parse(String(d).split("\\n")[0]).id;
  process.stdout.write(JSON.stringify({ jsonrpc: "2.0", id, result: { protocolVersion: "2025-06-18", capabilities: {}, serverInfo: { name: "fake" } } }) + "\\n");
});
`;

async function codexEntry(codexHome: string, lines: string[]): Promise<void> {
  await mkdir(codexHome, { recursive: true });
  await writeFile(path.join(codexHome, "config.toml"), ["[mcp_servers.nodedc-tasker]", ...lines, ""].join("\n"));
}

describe("doctor: does each client config really start the server?", () => {
  it("the checkout's node entry starts under Codex's stripped environment and answers initialize", async () => {
    ensureBuiltCli();
    const cli = await createTestCli();
    await codexEntry(cli.codexHome, [`command = ${tomlString(process.execPath)}`, `args = [${tomlString(BUILT_CLI)}, "mcp"]`]);
    const [check] = await checkClientConfigs(cli.deps, "default", {});
    expect(check).toMatchObject({ name: "client_codex", status: "ok" });
    expect(check!.detail).toMatch(/initialize answered in \d+ ms/);
  });

  it("fails loudly, with what to write instead, when the command does not exist", async () => {
    const cli = await createTestCli();
    await codexEntry(cli.codexHome, ['command = "/nowhere/bin/node"', 'args = ["/nowhere/cli.js", "mcp"]']);
    const [check] = await checkClientConfigs(cli.deps, "default", {});
    expect(check!.status).toBe("fail");
    expect(check!.detail).toMatch(/Codex cannot start the server in .*config\.toml: `\/nowhere\/bin\/node \/nowhere\/cli\.js mcp` — \/nowhere\/bin\/node was not found/);
    expect(check!.fix).toContain(`This CLI would write \`${process.execPath} ${BUILT_CLI} mcp`);
  });

  it("fails when the server exits early, quoting what it printed", async () => {
    const cli = await createTestCli();
    await codexEntry(cli.codexHome, [`command = ${tomlString(process.execPath)}`, `args = ["-e", "console.error('npm error 404 Not Found'); process.exit(1)", "mcp"]`]);
    const [check] = await checkClientConfigs(cli.deps, "default", {});
    expect(check!.status).toBe("fail");
    expect(check!.detail).toMatch(/exited \(code 1\) before answering initialize: npm error 404 Not Found/);
  });

  it("uses the client's environment: Codex passes a variable only when env_vars lists it; cwd is HOME", async () => {
    const cli = await createTestCli({ env: { NEEDED_VAR: "yes" } });
    const base = [`command = ${tomlString(process.execPath)}`, `args = ["-e", ${tomlString(FAKE_SERVER)}, "mcp"]`];
    await codexEntry(cli.codexHome, base);
    const [stripped] = await checkClientConfigs(cli.deps, "default", {});
    expect(stripped!.status).toBe("fail");
    expect(stripped!.detail).toMatch(/NEEDED_VAR is not set/);
    await codexEntry(cli.codexHome, [...base, 'env_vars = ["NEEDED_VAR"]']);
    const [listed] = await checkClientConfigs(cli.deps, "default", {});
    expect(listed!.status).toBe("ok");
    await codexEntry(cli.codexHome, [...base, 'env = { NEEDED_VAR = "from the entry" }']);
    expect((await checkClientConfigs(cli.deps, "default", {}))[0]!.status).toBe("ok");
  });

  it("checks Cursor's entry too (the MCP SDK's default environment plus the entry's env)", async () => {
    const cli = await createTestCli({ env: { NEEDED_VAR: "yes" } });
    const file = path.join(cli.home, ".cursor", "mcp.json");
    await mkdir(path.dirname(file), { recursive: true });
    const entry = { command: process.execPath, args: ["-e", FAKE_SERVER, "mcp"] };
    await writeFile(file, JSON.stringify({ mcpServers: { "nodedc-tasker": entry } }));
    const record = { cursor: { path: file, server_name: "nodedc-tasker" } };
    const checks = await checkClientConfigs(cli.deps, "default", record);
    expect(checks.find((c) => c.name === "client_cursor")).toMatchObject({ status: "fail" });
    await writeFile(file, JSON.stringify({ mcpServers: { "nodedc-tasker": { ...entry, env: { NEEDED_VAR: "1" } } } }));
    expect((await checkClientConfigs(cli.deps, "default", record)).find((c) => c.name === "client_cursor")).toMatchObject({ status: "ok" });
  });
});
