import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { mergeServer, removeServer, writeJsonServer } from "./json-config";

const entry = { command: "npx", args: ["-y", "nodedc-tasker@0.1.0", "mcp"] };

describe("mcpServers JSON merge (Claude Code, Cursor)", () => {
  it("adds our server and keeps every other key, server and the key order", () => {
    const original = JSON.stringify(
      { numStartups: 3, mcpServers: { github: { command: "gh-mcp", env: { A: "1" } } }, projects: { "/x": { allowedTools: [] } } },
      null,
      2,
    ) + "\n";
    const next = mergeServer(original, "mcp.json", "nodedc-tasker", entry);
    const doc = JSON.parse(next);
    expect(Object.keys(doc)).toEqual(["numStartups", "mcpServers", "projects"]);
    expect(doc.mcpServers).toEqual({ github: { command: "gh-mcp", env: { A: "1" } }, "nodedc-tasker": entry });
    expect(doc.projects).toEqual({ "/x": { allowedTools: [] } });
    expect(next.endsWith("\n")).toBe(true);
    expect(mergeServer(next, "mcp.json", "nodedc-tasker", entry)).toBe(next);
    expect(removeServer(next, "mcp.json", "nodedc-tasker")).toBe(original);
  });

  it("keeps the file's indentation", () => {
    const original = '{\n    "mcpServers": {}\n}\n';
    expect(mergeServer(original, "mcp.json", "n", entry)).toContain('\n    "mcpServers": {\n        "n": {');
  });

  it("creates a file from nothing", () => {
    expect(JSON.parse(mergeServer(null, "mcp.json", "nodedc-tasker", entry))).toEqual({ mcpServers: { "nodedc-tasker": entry } });
  });

  it("refuses corrupt JSON and a non-object mcpServers, touching nothing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "json-cfg-"));
    const file = path.join(dir, "mcp.json");
    await writeFile(file, "{ not json");
    await expect(writeJsonServer(file, "nodedc-tasker", entry)).rejects.toThrowError(/mcp\.json is not valid JSON/);
    expect(await readFile(file, "utf8")).toBe("{ not json");
    expect(() => mergeServer('{"mcpServers": []}', "mcp.json", "x", entry)).toThrowError(/"mcpServers" is not an object/);
  });
});
