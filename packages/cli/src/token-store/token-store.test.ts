import { mkdtemp, readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generateAgentToken } from "@nodedc/shared";
import { describe, expect, it } from "vitest";
import { credentialsPath, writeFileToken } from "./file-store";
import { KeychainError, classifyKeychainError } from "./keychain";
import { createMemoryKeychain } from "./memory-keychain";
import { deleteToken, keychainAccount, resolveToken, storeToken, type TokenStoreDeps } from "./token-store";

const ACCOUNT = "https://gw.example.com";

async function setup(options: { env?: NodeJS.ProcessEnv; fail?: KeychainError } = {}) {
  const configDir = await mkdtemp(path.join(os.tmpdir(), "token-store-"));
  const keychain = createMemoryKeychain(options.fail ? { fail: options.fail } : {});
  const deps: TokenStoreDeps = { env: options.env ?? {}, configDir, keychain: () => keychain };
  return { deps, keychain, configDir };
}

describe("token source order: env → keychain → file", () => {
  it("prefers NODEDC_TASKER_TOKEN over the keychain and the file", async () => {
    const fromEnv = generateAgentToken();
    const { deps, keychain, configDir } = await setup({ env: { NODEDC_TASKER_TOKEN: fromEnv } });
    keychain.entries.set(ACCOUNT, generateAgentToken());
    await writeFileToken(configDir, ACCOUNT, generateAgentToken());
    expect(await resolveToken(deps, ACCOUNT)).toMatchObject({ token: fromEnv, source: "env" });
    // With the env token, no account (no stored state) is needed at all.
    expect(await resolveToken(deps, null)).toMatchObject({ token: fromEnv, source: "env" });
  });

  it("then the keychain, then the file", async () => {
    const { deps, keychain, configDir } = await setup();
    const inFile = generateAgentToken();
    await writeFileToken(configDir, ACCOUNT, inFile);
    expect(await resolveToken(deps, ACCOUNT)).toMatchObject({ token: inFile, source: "file" });
    const inKeychain = generateAgentToken();
    keychain.entries.set(ACCOUNT, inKeychain);
    expect(await resolveToken(deps, ACCOUNT)).toMatchObject({ token: inKeychain, source: "keychain" });
  });

  it("falls through a broken keychain to the file and says why", async () => {
    const { deps, configDir } = await setup({ fail: new KeychainError("locked", "The keyring is locked.", "Unlock it.") });
    const inFile = generateAgentToken();
    await writeFileToken(configDir, ACCOUNT, inFile);
    const resolved = await resolveToken(deps, ACCOUNT);
    expect(resolved).toMatchObject({ token: inFile, source: "file" });
    expect(resolved?.notes).toEqual(["The keyring is locked."]);
  });

  it("rejects a malformed NODEDC_TASKER_TOKEN without echoing it", async () => {
    const bad = generateAgentToken().slice(0, -1) + "x";
    const { deps } = await setup({ env: { NODEDC_TASKER_TOKEN: bad } });
    const error = await resolveToken(deps, ACCOUNT).catch((e: Error) => e);
    expect((error as Error).message).toMatch(/NODEDC_TASKER_TOKEN is set but is not a valid agent token/);
    expect((error as Error).message).not.toContain(bad);
  });

  it("returns null when nothing is stored", async () => {
    const { deps } = await setup();
    expect(await resolveToken(deps, ACCOUNT)).toBeNull();
  });
});

describe("storing the token", () => {
  it("uses the keychain when it works and leaves no file copy", async () => {
    const { deps, keychain, configDir } = await setup();
    await writeFileToken(configDir, ACCOUNT, generateAgentToken()); // stale copy from an older pairing
    const token = generateAgentToken();
    const result = await storeToken(deps, ACCOUNT, token, "auto");
    expect(result.storage).toBe("keychain");
    expect(result.warning).toBeUndefined();
    expect(keychain.entries.get(ACCOUNT)).toBe(token);
    await expect(stat(credentialsPath(configDir))).rejects.toThrow(/ENOENT/);
  });

  it("falls back to a 0600 file with a loud warning when the keychain fails (auto)", async () => {
    const { deps, configDir } = await setup({ fail: new KeychainError("unavailable", "The Secret Service keyring is not reachable (no session bus).", "Start a session bus.") });
    const token = generateAgentToken();
    const result = await storeToken(deps, ACCOUNT, token, "auto");
    expect(result.storage).toBe("file");
    expect(result.warning).toMatch(/not reachable .* written to .*credentials\.json \(mode 0600\).*anyone who can read your files/);
    expect(result.warning).not.toContain(token);
    const file = credentialsPath(configDir);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ [ACCOUNT]: token });
  });

  it("refuses the file fallback under --storage keychain", async () => {
    const { deps, configDir } = await setup({ fail: new KeychainError("locked", "The keyring is locked.", "Unlock it, or use --storage file.") });
    const token = generateAgentToken();
    await expect(storeToken(deps, ACCOUNT, token, "keychain")).rejects.toThrowError(/refuses the file fallback/);
    await expect(stat(credentialsPath(configDir))).rejects.toThrow(/ENOENT/);
  });

  it("--storage file writes the file (with the warning) and clears a keychain copy", async () => {
    const { deps, keychain, configDir } = await setup();
    keychain.entries.set(ACCOUNT, generateAgentToken());
    const token = generateAgentToken();
    const result = await storeToken(deps, ACCOUNT, token, "file");
    expect(result).toMatchObject({ storage: "file", location: credentialsPath(configDir) });
    expect(result.warning).toMatch(/not in the OS keychain/);
    expect(keychain.entries.has(ACCOUNT)).toBe(false);
    expect(await resolveToken(deps, ACCOUNT)).toMatchObject({ token, source: "file" });
  });

  it("delete removes keychain and file copies and reports an unreachable keychain", async () => {
    const ok = await setup();
    await storeToken(ok.deps, ACCOUNT, generateAgentToken(), "auto");
    await writeFileToken(ok.configDir, ACCOUNT, generateAgentToken());
    expect(await deleteToken(ok.deps, ACCOUNT)).toEqual({ keychain: "deleted", file: "deleted" });
    expect(await resolveToken(ok.deps, ACCOUNT)).toBeNull();

    const broken = await setup({ fail: new KeychainError("unavailable", "No bus.", "Start one.") });
    await writeFileToken(broken.configDir, ACCOUNT, generateAgentToken());
    expect(await deleteToken(broken.deps, ACCOUNT)).toEqual({ keychain: "unavailable", file: "deleted", note: "No bus. Start one." });
  });

  it("keys other profiles apart", () => {
    expect(keychainAccount("https://gw", "default")).toBe("https://gw");
    expect(keychainAccount("https://gw", "work")).toBe("https://gw#work");
  });
});

describe("keychain error classification", () => {
  it("tells locked from unreachable and gives the session-bus hint on Linux", () => {
    const locked = classifyKeychainError(new Error("Platform failure: prompt dismissed"), { DBUS_SESSION_BUS_ADDRESS: "unix:path=/x" }, "linux");
    expect(locked.kind).toBe("locked");
    const noBus = classifyKeychainError(new Error("DBus error: Using X11 for dbus-daemon autolaunch was disabled"), {}, "linux");
    expect(noBus.kind).toBe("unavailable");
    expect(noBus.hint).toMatch(/DBUS_SESSION_BUS_ADDRESS is not set/);
  });
});

describe("a broken keychain with nothing in the file", () => {
  it("explains the keychain problem instead of claiming nothing is stored", async () => {
    const { deps } = await setup({ fail: new KeychainError("locked", "The keyring is locked.", "Unlock it.") });
    await expect(resolveToken(deps, ACCOUNT)).rejects.toThrowError(/could not be read: The keyring is locked/);
  });
});
