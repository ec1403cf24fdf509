import { generateAgentToken, tokenDisplay } from "@nodedc/shared";
import { describe, expect, it } from "vitest";
import { writeProfile, type Profile } from "../config/profiles";
import { loadProfileContext } from "../config/profile-context";
import { createDeps } from "../factory";
import { createMemoryKeychain } from "../token-store/memory-keychain";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LiveToken } from "./live-token";

const GATEWAY = "https://gateway.example.test";

async function setup() {
  const home = await mkdtemp(path.join(os.tmpdir(), "live-token-"));
  const configDir = path.join(home, "state");
  let now = Date.parse("2026-06-01T12:00:00Z");
  const keychain = createMemoryKeychain();
  const lines: string[] = [];
  const deps = createDeps({
    env: { HOME: home, NODEDC_TASKER_HOME: configDir },
    platform: "linux",
    homedir: home,
    streams: { stdout: { write: () => true }, stderr: { write: () => true } },
    keychain,
    now: () => new Date(now),
  });
  const profile = (tokenId: string, token: string, useFrom?: number): Profile => ({
    gateway_url: GATEWAY,
    agent: { id: "a", display_name: "agent" },
    owner: { user_id: "o", email: null },
    token: { id: tokenId, last4: tokenDisplay(token).last4, expires_at: null, ...(useFrom ? { use_from: new Date(useFrom).toISOString() } : {}) },
    grants: [],
    storage: "keychain",
    clients: {},
    paired_at: new Date(now).toISOString(),
  });
  const first = generateAgentToken();
  await keychain.set(GATEWAY, first);
  await writeProfile(configDir, "default", profile("t1", first));
  const ctx = await loadProfileContext(deps, "default");
  const live = new LiveToken(deps, ctx, (line) => lines.push(line));
  return {
    live,
    keychain,
    lines,
    first,
    advance: (ms: number) => (now += ms),
    now: () => now,
    rotateElsewhere: async (token: string, useFrom: number) => {
      await keychain.set(GATEWAY, token);
      await writeProfile(configDir, "default", profile("t2", token, useFrom));
    },
  };
}

describe("the token a running mcp process sends", () => {
  it("follows a rotation by another process: the old token until use_from, the new one from then on", async () => {
    const t = await setup();
    expect((await t.live.current())!.token).toBe(t.first);
    const second = generateAgentToken();
    await t.rotateElsewhere(second, t.now() + 2_000);
    t.advance(300);
    expect((await t.live.current())!.token).toBe(t.first);
    expect(t.lines.join("\n")).toMatch(/another nodedc-tasker process rotated the agent token; picking up ndca_…/);
    t.advance(1_000);
    expect((await t.live.current())!.token).toBe(t.first);
    t.advance(700);
    expect((await t.live.current())!.token).toBe(second);
    expect(t.live.tokenId).toBe("t2");
    expect(t.lines.at(-1)).toMatch(/now using the rotated agent token/);
    t.live.close();
  });

  it("takes a new token only once the storage holds the one the profile names", async () => {
    const t = await setup();
    await t.live.current();
    const second = generateAgentToken();
    await t.rotateElsewhere(second, t.now());
    await t.keychain.set(GATEWAY, generateAgentToken()); // not the token the profile names
    t.advance(300);
    expect((await t.live.current())!.token).toBe(t.first);
    expect(t.lines).toEqual([]);
    await t.keychain.set(GATEWAY, second);
    t.advance(300);
    expect((await t.live.current())!.token).toBe(second);
    t.live.close();
  });

  it("adopts its own rotation at the agreed moment", async () => {
    const t = await setup();
    await t.live.current();
    const mine = generateAgentToken();
    t.live.adopt(mine, "t9", new Date(t.now() + 2_000));
    expect((await t.live.current())!.token).toBe(t.first);
    t.advance(2_000);
    expect((await t.live.current())!.token).toBe(mine);
    t.live.close();
  });
});
