import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CLI_PACKAGE_DIR, ensureBuiltCli } from "./testing/cli-harness";
import { CLI_VERSION } from "./version";

/** The npm tarball: what `npx nodedc-tasker` downloads. */
let dir: string;
let tarball: string;

beforeAll(async () => {
  ensureBuiltCli();
  dir = await mkdtemp(path.join(os.tmpdir(), "nodedc-pack-"));
  const packed = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { cwd: CLI_PACKAGE_DIR, encoding: "utf8", timeout: 120_000 });
  if (packed.status !== 0) throw new Error(packed.stderr);
  tarball = path.join(dir, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  const untar = spawnSync("tar", ["-xzf", tarball, "-C", dir], { encoding: "utf8" });
  if (untar.status !== 0) throw new Error(untar.stderr);
}, 180_000);

describe("the published package", () => {
  it("ships one bundled file behind a tiny bin shim, stays under 1 MB packed and has a single runtime dependency", async () => {
    expect((await stat(tarball)).size).toBeLessThan(1024 * 1024);
    const manifest = JSON.parse(await readFile(path.join(dir, "package", "package.json"), "utf8"));
    expect(manifest.name).toBe("nodedc-tasker");
    expect(manifest.version).toBe(CLI_VERSION);
    expect(manifest.bin).toEqual({ "nodedc-tasker": "bin/nodedc-tasker.js" });
    expect(Object.keys(manifest.dependencies)).toEqual(["@napi-rs/keyring"]);
    const listed = spawnSync("tar", ["-tzf", tarball], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).sort();
    expect(listed).toEqual(["package/README.md", "package/bin/nodedc-tasker.js", "package/dist/cli.js", "package/package.json"]);
  });

  it("runs from the tarball without any node_modules (everything but the keychain is bundled)", () => {
    const cli = path.join(dir, "package", "bin", "nodedc-tasker.js");
    const version = spawnSync(process.execPath, [cli, "--version"], { encoding: "utf8" });
    expect(version.stdout.trim()).toBe(CLI_VERSION);
    const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "t", version: "0" } } });
    const mcp = spawnSync(process.execPath, [cli, "mcp"], {
      input: `${init}\n`,
      encoding: "utf8",
      env: { PATH: process.env.PATH, NODEDC_TASKER_HOME: path.join(dir, "state") },
      timeout: 30_000,
    });
    expect(mcp.status).toBe(0);
    const reply = JSON.parse(mcp.stdout.split("\n")[0]!);
    expect(reply.result.serverInfo).toMatchObject({ name: "nodedc-tasker", version: CLI_VERSION });
    expect(reply.result.instructions).toContain("tasker-content");
  });
});
