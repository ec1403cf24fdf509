import { mkdtemp, readFile, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { CliError } from "../errors";
import { removeCodexServer, renderCodexTable, upsertCodexServer, writeCodexConfig, removeCodexConfig } from "./codex";
import type { ServerLaunch } from "./launcher";

const launch: ServerLaunch = { command: "npx", args: ["-y", "nodedc-tasker@0.1.0", "mcp"], env: {}, launcher: "npx" };

const USER_CONFIG = `# my Codex config
model = "gpt-5-codex"   # inline comment
approval_policy = "on-request"

[profiles.work]
model = "o3"
notes = """
[mcp_servers.nodedc-tasker]
this is a string, not a table
"""

# the GitHub server
[mcp_servers.github]
command = "npx"
args = [
  "-y",
  "@modelcontextprotocol/server-github", # pinned later
]
[mcp_servers.github.env]
GITHUB_TOKEN_VAR = "GH" # comment stays

[[some.array]]
x = [[1, 2], [3]]
`;

function ours(text: string): unknown {
  return (parse(text) as { mcp_servers: Record<string, unknown> }).mcp_servers["nodedc-tasker"];
}

describe("Codex config.toml table edit", () => {
  it("appends our table and keeps every other byte", () => {
    const next = upsertCodexServer(USER_CONFIG, "config.toml", "nodedc-tasker", launch, "linux");
    expect(next.startsWith(USER_CONFIG)).toBe(true);
    expect(next.slice(USER_CONFIG.length)).toBe(`\n${renderCodexTable("nodedc-tasker", launch, "linux")}`);
    expect(ours(next)).toEqual({
      command: "npx",
      args: ["-y", "nodedc-tasker@0.1.0", "mcp"],
      startup_timeout_sec: 30,
      env_vars: ["DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"],
    });
  });

  it("is idempotent: a second run returns the same bytes", () => {
    const once = upsertCodexServer(USER_CONFIG, "config.toml", "nodedc-tasker", launch, "linux");
    expect(upsertCodexServer(once, "config.toml", "nodedc-tasker", launch, "linux")).toBe(once);
  });

  it("replaces an existing table and its sub-tables in place, keeping comments around it", () => {
    const existing = `a = 1

# before ours
[mcp_servers.nodedc-tasker]
command = "old"
args = ["x"]
[mcp_servers.nodedc-tasker.env]
OLD = "1"

# introduces the next table
[mcp_servers.other]
command = "other"
`;
    const next = upsertCodexServer(existing, "config.toml", "nodedc-tasker", launch, "darwin");
    const block = renderCodexTable("nodedc-tasker", launch, "darwin");
    expect(next).toBe(`a = 1

# before ours
${block}
# introduces the next table
[mcp_servers.other]
command = "other"
`);
    expect((parse(next) as { mcp_servers: Record<string, unknown> }).mcp_servers.other).toEqual({ command: "other" });
    expect(ours(next)).not.toHaveProperty("env_vars"); // only on Linux
  });

  it("recognises quoted header spellings of our table", () => {
    const existing = `[mcp_servers."nodedc-tasker"]\ncommand = "old"\n\n[ mcp_servers . 'nodedc-tasker' . env ]\nA = "b"\n`;
    const next = upsertCodexServer(existing, "config.toml", "nodedc-tasker", launch, "linux");
    expect(next).toBe(renderCodexTable("nodedc-tasker", launch, "linux") + "\n");
    expect(ours(next)).toMatchObject({ command: "npx" });
  });

  it("keeps CRLF line endings", () => {
    const crlf = USER_CONFIG.replace(/\n/g, "\r\n");
    const next = upsertCodexServer(crlf, "config.toml", "nodedc-tasker", launch, "linux");
    expect(next.startsWith(crlf)).toBe(true);
    expect(next.slice(crlf.length)).not.toMatch(/[^\r]\n/);
    expect(upsertCodexServer(next, "config.toml", "nodedc-tasker", launch, "linux")).toBe(next);
  });

  it("refuses a corrupt file and says where", () => {
    const broken = 'model = "x"\n[mcp_servers.github\ncommand = "npx"\n';
    expect(() => upsertCodexServer(broken, "/home/a/.codex/config.toml", "nodedc-tasker", launch, "linux")).toThrowError(
      /config\.toml is not valid TOML at line 2/,
    );
  });

  it("refuses to rewrite a definition made with dotted keys", () => {
    const dotted = `[mcp_servers]\nnodedc-tasker.command = "x"\n`;
    expect(() => upsertCodexServer(dotted, "config.toml", "nodedc-tasker", launch, "linux")).toThrowError(CliError);
  });

  it("writes strings TOML-safely (Windows paths, quotes)", () => {
    const win: ServerLaunch = { command: "C:\\Program Files\\nodejs\\node.exe", args: ['C:\\x "y"\\cli.js', "mcp"], env: { NODEDC_TASKER_HOME: "C:\\h" }, launcher: "node" };
    const next = upsertCodexServer("", "config.toml", "nodedc-tasker", win, "win32");
    expect(ours(next)).toEqual({ command: win.command, args: win.args, startup_timeout_sec: 30, env: { NODEDC_TASKER_HOME: "C:\\h" } });
  });

  it("removal restores the original bytes", () => {
    for (const original of [USER_CONFIG, USER_CONFIG.replace(/\n/g, "\r\n"), ""]) {
      const paired = upsertCodexServer(original, "config.toml", "nodedc-tasker", launch, "linux");
      expect(removeCodexServer(paired, "config.toml", "nodedc-tasker")).toBe(original);
    }
  });

  it("removal leaves other servers alone, including ours under another profile", () => {
    let text = upsertCodexServer(USER_CONFIG, "config.toml", "nodedc-tasker", launch, "linux");
    text = upsertCodexServer(text, "config.toml", "nodedc-tasker-work", { ...launch, args: [...launch.args, "--profile", "work"] }, "linux");
    const removed = removeCodexServer(text, "config.toml", "nodedc-tasker");
    const servers = (parse(removed) as { mcp_servers: Record<string, unknown> }).mcp_servers;
    expect(Object.keys(servers).sort()).toEqual(["github", "nodedc-tasker-work"]);
  });
});

describe("Codex config file writes", () => {
  it("writes atomically, keeps a .bak of the previous content and the file mode, and does not rewrite when unchanged", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "codex-cfg-"));
    const file = path.join(dir, "config.toml");
    await writeFile(file, USER_CONFIG, { mode: 0o600 });
    expect(await writeCodexConfig(file, "nodedc-tasker", launch, "linux")).toBe("updated");
    expect(await readFile(`${file}.bak`, "utf8")).toBe(USER_CONFIG);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const first = await readFile(file, "utf8");
    expect(await writeCodexConfig(file, "nodedc-tasker", launch, "linux")).toBe("unchanged");
    expect(await readFile(file, "utf8")).toBe(first);
    expect(await removeCodexConfig(file, "nodedc-tasker")).toBe("removed");
    expect(await readFile(file, "utf8")).toBe(USER_CONFIG);
  });

  it("creates the file (and CODEX_HOME) when missing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "codex-cfg-"));
    const file = path.join(dir, "nested", "config.toml");
    expect(await writeCodexConfig(file, "nodedc-tasker", launch, "linux")).toBe("created");
    expect(await readFile(file, "utf8")).toBe(renderCodexTable("nodedc-tasker", launch, "linux"));
  });

  it("leaves a corrupt file untouched", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "codex-cfg-"));
    const file = path.join(dir, "config.toml");
    const broken = "model = \n";
    await writeFile(file, broken);
    await expect(writeCodexConfig(file, "nodedc-tasker", launch, "linux")).rejects.toThrowError(/not valid TOML at line 1/);
    expect(await readFile(file, "utf8")).toBe(broken);
  });
});
