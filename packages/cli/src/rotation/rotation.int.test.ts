import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestStack, type TestStack } from "@nodedc/gateway/testing";
import { BUILT_CLI, createTestCli, ensureBuiltCli } from "../testing/cli-harness";
import { startKeyringSession, type KeyringSession } from "../testing/keyring-session";
import { withRotationLock } from "./rotation-lock";

/**
 * Rotation end to end: the built CLI as real child processes, the real gateway and
 * database, and the real Secret Service (gnome-keyring on a private session bus that every
 * process of a test shares, as two Codex windows share a desktop session).
 */
let stack: TestStack;
let agentId: string;
const sessions: KeyringSession[] = [];
const clients: Client[] = [];
const DAY = 86_400_000;
/** How the gateway stores a token (DESIGN §5): HMAC-SHA256(TOKEN_PEPPER, token). */
const hashAgentToken = (pepper: string, token: string) => createHmac("sha256", pepper).update(token).digest();

beforeAll(async () => {
  ensureBuiltCli();
  stack = await startTestStack();
  const created = await stack.createAgent("demo.owner@nodedc.local", "Rotating Codex");
  agentId = created.agent.id;
  await stack.grant(agentId, "DEMO", ["cards:read"]);
}, 180_000);
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => undefined);
  for (const session of sessions.splice(0)) await session.close();
});
afterAll(async () => {
  await stack?.close();
});

interface Machine {
  keyring: KeyringSession;
  env: Record<string, string>;
  configDir: string;
  account: string;
}

/** A laptop: its own HOME and keyring, paired through the CLI with the token in the keychain. */
async function pairedMachine(gatewayUrl = stack.gatewayUrl): Promise<Machine> {
  const keyring = await startKeyringSession();
  sessions.push(keyring);
  const home = await mkdtemp(path.join(os.tmpdir(), "rotation-home-"));
  const configDir = path.join(home, "state");
  const env = { ...keyring.env, PATH: process.env.PATH ?? "", HOME: home, NODEDC_TASKER_HOME: configDir, CODEX_HOME: path.join(home, ".codex"), NO_COLOR: "1" };
  const machine = { keyring, env, configDir, account: new URL(gatewayUrl).origin };
  const code = await stack.pairingCode(agentId);
  const paired = await cli(machine, "pair", code, "--gateway", gatewayUrl, "--storage", "keychain", "--client", "none");
  expect(paired.code, paired.stderr).toBe(0);
  return machine;
}

/** Runs the built CLI (asynchronously: the gateway answers from this same process). */
function cli(m: Machine, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], { env: m.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The profile says the token was received 200 days ago: less than a third of its life is left. */
async function ageToken(m: Machine): Promise<void> {
  const file = path.join(m.configDir, "profiles.json");
  const all = JSON.parse(await readFile(file, "utf8"));
  all.profiles.default.token.issued_at = new Date(Date.now() - 200 * DAY).toISOString();
  await writeFile(file, JSON.stringify(all, null, 2));
}

interface McpProcess {
  client: Client;
  stderr: () => string;
  /** Resolves when stderr has matched `pattern` (an event, not a timer). */
  waitFor(pattern: RegExp): Promise<void>;
  whoami(): Promise<{ isError: boolean; text: string }>;
}

async function startMcp(m: Machine): Promise<McpProcess> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [BUILT_CLI, "mcp"], env: m.env, stderr: "pipe" });
  let stderr = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  transport.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const w of waiters.filter((x) => x.pattern.test(stderr))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const client = new Client({ name: "rotation-int-test", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return {
    client,
    stderr: () => stderr,
    waitFor: (pattern) => (pattern.test(stderr) ? Promise.resolve() : new Promise((resolve) => waiters.push({ pattern, resolve }))),
    async whoami() {
      const result = await client.callTool({ name: "whoami", arguments: {} });
      const text = ((result.content as { text: string }[]) ?? []).map((c) => c.text).join("\n");
      return { isError: result.isError === true, text };
    },
  };
}

interface TokenRow {
  id: string;
  token_hash: Buffer;
  replaces_token_id: string | null;
  revoked_at: Date | null;
  revoked_reason: string | null;
  rotated_at: Date | null;
  activated_at: Date | null;
}

async function tokenByValue(token: string): Promise<TokenRow> {
  const [row] = await stack.adminSql<TokenRow[]>`
    SELECT id, token_hash, replaces_token_id, revoked_at, revoked_reason, rotated_at, activated_at
    FROM agent_tokens WHERE token_hash = ${hashAgentToken(stack.config.tokenPepper, token)}`;
  return row!;
}

async function successorsOf(id: string): Promise<TokenRow[]> {
  return stack.adminSql<TokenRow[]>`
    SELECT id, token_hash, replaces_token_id, revoked_at, revoked_reason, rotated_at, activated_at
    FROM agent_tokens WHERE replaces_token_id = ${id} ORDER BY created_at`;
}

async function auditCount(action: string, tokenId: string): Promise<number> {
  const [row] = await stack.adminSql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_events WHERE action = ${action} AND token_id = ${tokenId}`;
  return row!.n;
}

describe("token rotation through the CLI (real gateway, database and keychain)", () => {
  it("`rotate` stores the new token in the keychain, a running mcp follows it, and the old one ends at first use", async () => {
    const m = await pairedMachine();
    const old = (await m.keyring.lookup(m.account))!;
    const oldRow = await tokenByValue(old);
    const mcp = await startMcp(m);
    expect((await mcp.whoami()).isError).toBe(false);

    const rotated = await cli(m, "rotate");
    expect(rotated.code, rotated.stderr).toBe(0);
    const stored = (await m.keyring.lookup(m.account))!;
    expect(stored).not.toBe(old);
    expect(rotated.stderr).toContain(`Stored in Secret Service keyring (service "nodedc-tasker", account "${m.account}")`);
    expect(rotated.stderr).toContain(`ndca_…${stored.slice(-4)}`);
    for (const secret of [old, stored]) expect(rotated.stdout + rotated.stderr).not.toContain(secret);
    const [successor] = await successorsOf(oldRow.id);
    expect(successor!.token_hash.equals(hashAgentToken(stack.config.tokenPepper, stored))).toBe(true);
    expect((await tokenByValue(old)).rotated_at).toBeNull(); // not used yet: the old one still works

    // the running process notices, switches at the agreed moment, and keeps working. It
    // looks at the profile before a request (at most every 250 ms), so it is asked until it
    // has switched: a single call can fall inside one interval with the previous look.
    const switched = mcp.waitFor(/now using the rotated agent token ndca_…/).then(() => true);
    for (let asked = 0; !(await Promise.race([switched, Promise.resolve(false)])); asked++) {
      expect(asked, "the running mcp never switched to the rotated token").toBeLessThan(80);
      expect((await mcp.whoami()).isError).toBe(false);
      await Promise.race([switched, new Promise((resolve) => setTimeout(resolve, 250))]);
    }
    expect((await mcp.whoami()).isError).toBe(false);
    expect((await tokenByValue(old)).rotated_at).not.toBeNull();
    expect((await tokenByValue(stored)).activated_at).not.toBeNull();
    expect(await auditCount("token.reuse_after_rotation", oldRow.id)).toBe(0);

    // status tells expiry and the next rotation
    const status = await cli(m, "status");
    expect(status.code, status.stderr).toBe(0);
    expect(status.stderr).toMatch(/Next rotation: from \d{4}-\d\d-\d\dT/);

    // whoever presents the old token now ends the chain; the CLI says what to do
    expect((await stack.http("GET", "/api/v1/agent-session", { bearer: old })).status).toBe(401);
    expect(await auditCount("token.reuse_after_rotation", oldRow.id)).toBe(1);
    const refused = await mcp.whoami();
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/pair/i);
    expect(mcp.stderr()).not.toContain(stored);
  });

  it("two mcp processes of one profile rotate once, and both go on with the new token", async () => {
    const m = await pairedMachine();
    await ageToken(m);
    const old = (await m.keyring.lookup(m.account))!;
    const oldRow = await tokenByValue(old);
    // both processes hold the old token before either may rotate
    const [a, b] = await withRotationLock(m.configDir, "default", async () => {
      const both = await Promise.all([startMcp(m), startMcp(m)]);
      for (const p of both) expect((await p.whoami()).isError).toBe(false);
      return both;
    });
    await Promise.all([
      Promise.race([a.waitFor(/rotated the agent token \(less than a third/), b.waitFor(/rotated the agent token \(less than a third/)]),
      Promise.race([a.waitFor(/already rotated the agent token/), b.waitFor(/already rotated the agent token/)]),
    ]);
    const successors = await successorsOf(oldRow.id);
    expect(successors).toHaveLength(1);
    expect(await auditCount("token.rotate", oldRow.id)).toBe(1);
    const stored = (await m.keyring.lookup(m.account))!;
    expect(successors[0]!.token_hash.equals(hashAgentToken(stack.config.tokenPepper, stored))).toBe(true);

    for (const p of [a, b]) expect((await p.whoami()).isError).toBe(false);
    await Promise.all([a.waitFor(/now using the rotated agent token/), b.waitFor(/now using the rotated agent token/)]);
    for (let i = 0; i < 3; i++) for (const p of [a, b]) expect((await p.whoami()).isError).toBe(false);
    expect((await tokenByValue(old)).rotated_at).not.toBeNull();
    expect((await tokenByValue(stored)).revoked_at).toBeNull();
    expect(await auditCount("token.reuse_after_rotation", oldRow.id)).toBe(0);
  });

  it("keeps the old token when the keychain refuses the new one, and revokes the new one with itself", async () => {
    const m = await pairedMachine();
    await ageToken(m);
    const old = (await m.keyring.lookup(m.account))!;
    const oldRow = await tokenByValue(old);
    let mcp!: McpProcess;
    await withRotationLock(m.configDir, "default", async () => {
      mcp = await startMcp(m);
      expect((await mcp.whoami()).isError).toBe(false); // the token is read; the rotation waits for the lock
      await m.keyring.lock();
    });
    await mcp.waitFor(/the new token could not be stored .*keeping the current token\. The new token was revoked with itself\./);
    const [successor] = await successorsOf(oldRow.id);
    expect(successor!.revoked_at).not.toBeNull();
    expect(successor!.activated_at).toBeNull();
    const after = await tokenByValue(old);
    expect([after.revoked_at, after.rotated_at]).toEqual([null, null]);
    expect((await mcp.whoami()).isError).toBe(false);
    expect(mcp.stderr()).not.toContain(old);
  });

  it("a lost rotation answer is retried with the same key and ends with one working token", async () => {
    // a proxy that drops the connection after the gateway has answered the first rotation
    let dropped = 0;
    const upstream = new URL(stack.gatewayUrl);
    const proxy = http.createServer((req, res) => {
      const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
        if (req.url?.endsWith("/agent-session/rotate") && dropped === 0) {
          dropped++;
          answer.resume();
          answer.on("end", () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
      const m = await pairedMachine(proxyUrl);
      const old = (await m.keyring.lookup(m.account))!;
      const oldRow = await tokenByValue(old);
      const rotated = await cli(m, "rotate");
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(dropped).toBe(1);
      const successors = await successorsOf(oldRow.id);
      expect(successors.filter((s) => s.revoked_at === null)).toHaveLength(1);
      expect(await auditCount("token.rotate", oldRow.id)).toBe(2); // minted, then replayed
      const stored = (await m.keyring.lookup(m.account))!;
      expect(successors[0]!.token_hash.equals(hashAgentToken(stack.config.tokenPepper, stored))).toBe(true);
      const mcp = await startMcp(m);
      expect((await mcp.whoami()).isError).toBe(false);
      expect((await tokenByValue(old)).rotated_at).not.toBeNull();
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("doctor warns about a token within a week of expiry that cannot be rotated from here, and rotate says why", async () => {
    const issued = await stack.issueToken(agentId, { expires_in_days: 3 });
    const m = await createTestCli({ env: { NODEDC_TASKER_TOKEN: issued.token, NODEDC_TASKER_GATEWAY: stack.gatewayUrl } });
    await m.run("doctor");
    expect(m.stderr()).toMatch(/! token expires \S+ and cannot be rotated from here: the token comes from NODEDC_TASKER_TOKEN/);
    expect(m.stderr()).toContain("fix: Fix that, then run: npx nodedc-tasker rotate");
    expect(await m.run("rotate")).toBe(1);
    expect(m.stderr()).toMatch(/Profile default is not paired/);
    expect(m.stderr()).not.toContain(issued.token);
  });

  it("unpair right after rotate ends both the new token and the one it replaced", async () => {
    const m = await pairedMachine();
    const old = (await m.keyring.lookup(m.account))!;
    expect((await cli(m, "rotate")).code).toBe(0);
    const stored = (await m.keyring.lookup(m.account))!;
    const unpaired = await cli(m, "unpair");
    expect(unpaired.code, unpaired.stderr).toBe(0);
    const [before, after] = [await tokenByValue(old), await tokenByValue(stored)];
    expect(before.rotated_at).not.toBeNull();
    expect(after.revoked_at).not.toBeNull();
    expect(await m.keyring.lookup(m.account)).toBeNull();
  });
});
