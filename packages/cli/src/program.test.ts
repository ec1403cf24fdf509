import { describe, expect, it } from "vitest";
import { createTestCli } from "./testing/cli-harness";
import { CLI_VERSION } from "./version";

describe("the commander program", () => {
  it("prints --version and --help on stdout with exit 0", async () => {
    const cli = await createTestCli();
    expect(await cli.run("--version")).toBe(0);
    expect(cli.stdout().trim()).toBe(CLI_VERSION);
    expect(await cli.run("pair", "--help")).toBe(0);
    expect(cli.stdout()).toContain("--storage <where>");
  });

  it("exits 2 on usage errors, with the message on stderr", async () => {
    const cli = await createTestCli();
    expect(await cli.run("pair")).toBe(2);
    expect(cli.stderr()).toMatch(/missing required argument 'code'/);
    expect(await cli.run("pair", "BCDF-GHJK", "--storage", "cloud")).toBe(2);
    expect(cli.stderr()).toMatch(/Allowed choices are auto, keychain, file/);
    expect(await cli.run("frobnicate")).toBe(2);
    expect(await cli.run("pair", "BCDF-GHJK", "--client", "vim", "--gateway", "http://127.0.0.1:1")).toBe(2);
    expect(cli.stderr()).toMatch(/Unknown client "vim"/);
    expect(cli.stdout()).toBe("");
  });

  it("reports failures as JSON on stdout when --json was asked for", async () => {
    const cli = await createTestCli();
    expect(await cli.run("pair", "nope", "--gateway", "http://127.0.0.1:1", "--json")).toBe(2);
    expect(JSON.parse(cli.stdout())).toEqual({
      ok: false,
      error: { code: "usage", message: '"nope" is not a pairing code.', hint: expect.stringContaining("8 letters") },
    });
  });

  it("fails (exit 1) with a next step when nothing is paired", async () => {
    const cli = await createTestCli();
    expect(await cli.run("status")).toBe(1);
    expect(cli.stderr()).toMatch(/Not paired \(profile default\)\.\n {2}Ask your Tasker owner for a pairing code/);
    expect(await cli.run("unpair")).toBe(1);
    expect(cli.stderr()).toMatch(/not paired; nothing to do/);
  });
});
