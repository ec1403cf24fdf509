import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without type declarations
import { APT_INSTALL, decide, main, probe, REQUIRED } from "./test-prerequisites.mjs";

const ALL = REQUIRED.map((r: { pkg: string }) => r.pkg);

describe("test prerequisites: decision", () => {
  it("runs the suite when every program is there, whoever you are", () => {
    for (const isRoot of [true, false]) for (const hasAptGet of [true, false]) expect(decide({ missing: [], isRoot, hasAptGet })).toEqual({ action: "ok" });
  });

  it("installs the missing packages as root with apt-get (a fresh CI machine)", () => {
    expect(decide({ missing: ["libsecret-tools", "chromium"], isRoot: true, hasAptGet: true })).toEqual({ action: "install", packages: ["libsecret-tools", "chromium"] });
  });

  it("stops with one line naming the packages and the sudo command when not root", () => {
    const d = decide({ missing: ["libsecret-tools"], isRoot: false, hasAptGet: true });
    expect(d.action).toBe("stop");
    expect(d.message).not.toContain("\n");
    expect(d.message).toContain("sudo apt-get install -y libsecret-tools");
  });

  it("stops without apt-get too (root or not), naming every missing package", () => {
    for (const isRoot of [true, false]) {
      const d = decide({ missing: ALL, isRoot, hasAptGet: false });
      expect(d.action).toBe("stop");
      for (const pkg of ALL) expect(d.message).toContain(pkg);
      expect(d.message).toMatch(/package manager/);
    }
  });
});

describe("test prerequisites: probe and main", () => {
  it("finds programs on PATH only when executable", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "prereq-path-"));
    for (const { program } of REQUIRED) {
      writeFileSync(path.join(dir, program), "#!/bin/sh\n");
      chmodSync(path.join(dir, program), program === "secret-tool" ? 0o644 : 0o755);
    }
    expect(probe({ PATH: dir }).missing).toEqual(["libsecret-tools"]);
    expect(probe({ PATH: dir }).hasAptGet).toBe(false);
  });

  it("as root with apt-get: updates, installs exactly the missing packages, re-checks", () => {
    const calls: string[][] = [];
    const facts = [{ missing: ["chromium"], isRoot: true, hasAptGet: true }, { missing: [], isRoot: true, hasAptGet: true }];
    const lines: string[] = [];
    const code = main({ probe: () => facts.shift()!, run: (c: string, a: string[]) => (calls.push([c, ...a]), true), write: (l: string) => lines.push(l) });
    expect(code).toBe(0);
    expect(calls).toEqual([["apt-get", "update", "-qq"], [...APT_INSTALL, "chromium"]]);
    expect(lines).toEqual(["Installing the Debian packages the tests need: chromium"]);
  });

  it("fails (exit 1) when apt-get fails or the program is still missing afterwards", () => {
    const lines: string[] = [];
    const write = (l: string) => lines.push(l);
    const root = { missing: ["dbus-x11"], isRoot: true, hasAptGet: true };
    expect(main({ probe: () => root, run: () => false, write })).toBe(1);
    expect(lines.at(-1)).toMatch(/apt-get could not install dbus-x11/);
    expect(main({ probe: () => root, run: () => true, write })).toBe(1);
    expect(lines.at(-1)).toMatch(/Still missing after apt-get: dbus-x11/);
  });

  it("not root: prints the one line and runs nothing", () => {
    const lines: string[] = [];
    let ran = false;
    const code = main({ probe: () => ({ missing: ["gnome-keyring"], isRoot: false, hasAptGet: true }), run: () => (ran = true), write: (l: string) => lines.push(l) });
    expect(code).toBe(1);
    expect(ran).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("sudo apt-get install -y gnome-keyring");
  });
});
