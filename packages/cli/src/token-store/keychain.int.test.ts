import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateAgentToken } from "@nodedc/shared";
import { describe, expect, it } from "vitest";
import { credentialsPath } from "./file-store";

/**
 * The real Secret Service: gnome-keyring inside a private `dbus-run-session` with a fresh
 * HOME per test (Debian packages gnome-keyring, dbus, dbus-x11, libsecret-tools). The
 * token-store code runs in a child process (keychain-session.fixture.ts) inside the session.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, "keychain-session.fixture.ts");
const tsx = path.resolve(here, "../../../../node_modules/.bin/tsx");
const ACCOUNT = "https://gateway.keychain-test";

interface Step {
  step: string;
  [key: string]: unknown;
}

function sh(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

async function freshHome(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), "keyring-home-"));
}

/** Runs fixture steps inside a D-Bus session whose keyring is `unlocked` or `locked`. */
function inSession(home: string, keyring: "unlocked" | "locked", token: string, storage: string, steps: string, extra = ""): Step[] {
  const daemon =
    keyring === "unlocked"
      ? "echo -n test-password | gnome-keyring-daemon --unlock --components=secrets >/dev/null"
      : "gnome-keyring-daemon --start --components=secrets >/dev/null";
  const run = `${sh(tsx)} ${sh(fixture)} ${sh(path.join(home, "cfg"))} ${sh(ACCOUNT)} ${sh(token)} ${storage} ${steps}`;
  const script = `${daemon} && ${run}${extra ? ` && ${extra}` : ""}`;
  const result = spawnSync("dbus-run-session", ["--", "bash", "-c", script], {
    env: { PATH: process.env.PATH, HOME: home, XDG_DATA_HOME: path.join(home, "data"), XDG_RUNTIME_DIR: home, LANG: "C.UTF-8" },
    encoding: "utf8",
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  const lines = result.stdout.split("\n").filter((l) => l.startsWith("{"));
  if (lines.length === 0) throw new Error(`no output; status ${result.status}; stderr: ${result.stderr}`);
  return [...lines.map((l) => JSON.parse(l) as Step), ...(extra ? [{ step: "extra", stdout: result.stdout.split("\n").filter((l) => !l.startsWith("{")).join("\n") }] : [])];
}

describe("OS keychain (real Secret Service via gnome-keyring)", () => {
  it("stores, reads and deletes the token in the Secret Service, with no file copy", async () => {
    const home = await freshHome();
    const token = generateAgentToken();
    const again = (steps: string) => `${sh(tsx)} ${sh(fixture)} ${sh(path.join(home, "cfg"))} ${sh(ACCOUNT)} ${sh(token)} auto ${steps}`;
    // secret-tool (libsecret) sees the entry between store and delete: it really is in the Secret Service.
    const steps = inSession(home, "unlocked", token, "auto", "store,resolve,get", `echo "attrs: $(secret-tool search --all service nodedc-tasker 2>&1 | grep -c "^attribute.username = ${ACCOUNT}")" && ${again("delete,resolve")}`);
    expect(steps.at(-1)!.stdout).toContain("attrs: 1");
    expect(steps[0]).toMatchObject({ step: "store", storage: "keychain", warning: null });
    expect(String(steps[0]!.location)).toContain(`service "nodedc-tasker", account "${ACCOUNT}"`);
    expect(steps[1]).toMatchObject({ step: "resolve", source: "keychain", matches: true });
    expect(steps[2]).toMatchObject({ step: "get", found: true, matches: true });
    expect(steps[3]).toMatchObject({ step: "delete", keychain: "deleted", file: "absent" });
    expect(steps[4]).toMatchObject({ step: "resolve", source: null });
    await expect(stat(credentialsPath(path.join(home, "cfg")))).rejects.toThrow(/ENOENT/);
  });

  it("keeps the token across processes (what Codex's spawned server needs)", async () => {
    const home = await freshHome();
    const token = generateAgentToken();
    // Same session: one process stores, a second one reads.
    const steps = inSession(home, "unlocked", token, "auto", "store", `${sh(tsx)} ${sh(fixture)} ${sh(path.join(home, "cfg"))} ${sh(ACCOUNT)} ${sh(token)} auto resolve`);
    expect(steps[0]).toMatchObject({ step: "store", storage: "keychain" });
    expect(steps[1]).toMatchObject({ step: "resolve", source: "keychain", matches: true });
  });

  it("a locked keyring gives a clear message, and --storage keychain refuses the file fallback", async () => {
    const home = await freshHome();
    const first = generateAgentToken();
    inSession(home, "unlocked", first, "auto", "store"); // creates the login keyring with a password
    const second = generateAgentToken();
    const steps = inSession(home, "locked", second, "keychain", "get,store");
    expect(steps[0]).toMatchObject({ step: "get", kind: "locked" });
    expect(String(steps[0]!.error)).toMatch(/keyring is locked/);
    expect(steps[1]).toMatchObject({ step: "store", code: "keychain_locked" });
    expect(String(steps[1]!.error)).toMatch(/refuses the file fallback, so the token was not stored/);
    await expect(stat(credentialsPath(path.join(home, "cfg")))).rejects.toThrow(/ENOENT/);
  });

  it("without a session bus: auto falls back to a 0600 file with a warning; keychain refuses", async () => {
    const home = await freshHome();
    const token = generateAgentToken();
    // No dbus-run-session and no DBUS_SESSION_BUS_ADDRESS: a headless box or a stripped environment.
    const run = (storage: string, steps: string) => {
      const result = spawnSync(tsx, [fixture, path.join(home, "cfg"), ACCOUNT, token, storage, steps], {
        env: { PATH: process.env.PATH, HOME: home },
        encoding: "utf8",
        timeout: 60_000,
      });
      return result.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Step);
    };
    const strict = run("keychain", "store");
    expect(strict[0]).toMatchObject({ step: "store", code: "keychain_unavailable" });
    expect(String(strict[0]!.error)).toMatch(/no session bus.*refuses the file fallback/);

    const auto = run("auto", "store,resolve");
    expect(auto[0]).toMatchObject({ step: "store", storage: "file" });
    expect(String(auto[0]!.warning)).toMatch(/anyone who can read your files can act as this agent/);
    expect(String(auto[0]!.warning)).toMatch(/DBUS_SESSION_BUS_ADDRESS is not set/);
    expect(auto[1]).toMatchObject({ step: "resolve", source: "file", matches: true });
    const file = credentialsPath(path.join(home, "cfg"));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ [ACCOUNT]: token });
  });
});
