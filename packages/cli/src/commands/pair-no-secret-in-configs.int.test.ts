import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MCP_INSTRUCTIONS, normalizePairingCode } from "@nodedc/shared";
import { startTestStack, type TestStack } from "@nodedc/gateway/testing";
import { createTestCli } from "../testing/cli-harness";
import type { createMemoryKeychain } from "../token-store/memory-keychain";

/**
 * DESIGN §9 rule 8: generated client configs and instruction files contain no secret.
 * Pairs for every client the CLI can configure (Codex, Claude Code, Cursor) with the token in
 * the keychain, then reads every file the CLI left under the temporary HOME (client configs,
 * profiles, tool cache, backups): none holds the token, its random part or the pairing code.
 * The MCP `instructions` (the only instruction text a client receives) hold no token either.
 */
let stack: TestStack;
let agentId: string;
beforeAll(async () => {
  stack = await startTestStack();
  const { agent } = await stack.createAgent("demo.owner@nodedc.local", "rule 8 agent");
  agentId = agent.id;
  await stack.grant(agentId, "DEMO", ["cards:read", "cards:write"]);
});
afterAll(async () => {
  await stack?.close();
});

async function allFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out;
}

const TOKEN_SHAPE = /ndca_[0-9A-Za-z]{20}/;

describe("generated client configs and instructions hold no secret", () => {
  it("after pairing Codex, Claude Code and Cursor (both launchers), no file under HOME holds the token or the code", async () => {
    for (const launcher of ["npx", "node"]) {
      const cli = await createTestCli();
      const code = await stack.pairingCode(agentId);
      expect(await cli.run("pair", code, "--gateway", stack.gatewayUrl, "--client", "codex,claude,cursor", "--launcher", launcher)).toBe(0);
      const token = (cli.keychain as ReturnType<typeof createMemoryKeychain>).entries.get(new URL(stack.gatewayUrl).origin)!;
      expect(token).toMatch(/^ndca_/);
      const canonical = normalizePairingCode(code)!;
      const needles = [token, token.slice(5, 45), code, canonical, canonical.toLowerCase(), `${canonical.slice(0, 4)}-${canonical.slice(4)}`];

      const files = await allFiles(cli.home);
      const names = files.map((f) => path.relative(cli.home, f));
      // the scan is real: the three client configs and the profile were written
      expect(names).toEqual(expect.arrayContaining([path.join(".codex", "config.toml"), ".claude.json", path.join(".cursor", "mcp.json")]));
      expect(names.some((n) => n.startsWith(`state${path.sep}`))).toBe(true);
      for (const f of files) {
        const text = await readFile(f, "utf8");
        for (const needle of needles) expect(text.includes(needle), `${path.relative(cli.home, f)} holds ${needle.slice(0, 6)}…`).toBe(false);
        expect(text, f).not.toMatch(TOKEN_SHAPE);
      }
      for (const output of [cli.stdout(), cli.stderr()]) {
        expect(output).not.toContain(token);
        expect(output).not.toContain(canonical);
      }
    }
  });

  it("the MCP instructions are fixed text with no token, key or credential in them", () => {
    expect(MCP_INSTRUCTIONS).not.toMatch(TOKEN_SHAPE);
    expect(MCP_INSTRUCTIONS).not.toMatch(/X-Api-Key|Bearer\s+\S{20}|TOKEN_PEPPER|LAUNCHER_JWT_SECRET|TASKER_API_KEY/);
  });
});
