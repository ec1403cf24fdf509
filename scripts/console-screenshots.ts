#!/usr/bin/env -S node --import tsx
/**
 * `pnpm console:screenshots`: the pictures in docs/CONSOLE.md, made from a real run.
 *
 * Starts the gateway the way `pnpm start` does (scripts/start.mjs: sandbox mode, embedded
 * PGlite, the fake Tasker and the demo owner and agent), in a throwaway data directory on
 * free ports; drives Debian's Chromium (kept off the network) through the console — a
 * device really pairs with the built CLI and the agent really makes a card through the
 * CLI's `mcp` server — and writes each page at 1280 and 360 px to docs/console/ (or the
 * directory given as the first argument). The PNGs are then compressed (a palette, then
 * oxipng, through @napi-rs/image). It prints each page's weight and each file's size.
 *
 * Nothing secret is printed or kept: the pairing code is read from the page into memory and
 * replaced by XXXX-XXXX before the picture is taken, the token stays in the throwaway CLI
 * home, and the gateway's banner (which holds the demo code) is never echoed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { losslessCompressPng, pngQuantize } from "@napi-rs/image";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { chromium, type Browser, type Page } from "playwright-core";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const OUT = path.resolve(ROOT, process.argv[2] ?? "docs/console");
const CLI = path.join(ROOT, "packages/cli/dist/cli.js");
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 780 };
const CODE = /[B-Z]{4}-[B-Z]{4}/g;
const redact = (text: string) => text.replace(CODE, "XXXX-XXXX").replace(/ndca_[0-9A-Za-z]{46}/g, "ndca_…");

/** `preferred` (the `pnpm start` default, so the pictures show the usual URL) when it is free, else any free port. */
function portFor(preferred: number): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(freePort(0)));
    server.listen(preferred, "127.0.0.1", () => server.close(() => resolve(preferred)));
  });
}

function freePort(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The gateway as `pnpm start` runs it; its output is kept (never printed unless it fails, and then redacted). */
async function startGateway(dataDir: string, jwtSecret: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const [port, sandboxPort] = [await portFor(4100), await portFor(4110)];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODEDC_MODE: "sandbox",
    PORT: String(port),
    TASKER_SANDBOX_PORT: String(sandboxPort),
    PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
    LAUNCHER_JWT_SECRET: jwtSecret, // so this script can sign the platform admin in
    AUDIT_SEAL_INTERVAL_S: "1", // so the Activity table shows sealed rows without a minute's wait
    LOG_LEVEL: "warn",
  };
  for (const name of ["DATABASE_URL", "TASKER_API_URL", "PUBLIC_URL", "LAUNCHER_JWKS_URL", "LAUNCHER_LOGIN_URL", "TASKER_WEB_URL"]) delete env[name];
  env.TASKER_WEB_URL = "https://tasker.example.test"; // card identifiers become links, as with a real Tasker
  const child = spawn(process.execPath, [path.join(ROOT, "scripts/start.mjs")], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the gateway exited (${code}):\n${redact(output)}`))));
  // Ready when the banner is out (the demo agent is seeded after the server listens).
  const ready = new Promise<void>((resolve) => {
    const check = () => (output.includes("Pair the demo agent") ? resolve() : undefined);
    child.stderr!.on("data", check);
  });
  await Promise.race([ready, exited]);
  return { url, child, output: () => output };
}

/** A Launcher JWT (HS256, as DESIGN §6) signed with the secret this run gave the gateway. */
function launcherJwt(secret: string, claims: { sub: string; email: string; role: "user" | "platform_admin" }): string {
  const now = Math.floor(Date.now() / 1000);
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${part({ alg: "HS256", typ: "JWT" })}.${part({ ...claims, iss: "nodedc-launcher", aud: "nodedc-agent-gateway", iat: now, exp: now + 600 })}`;
  return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
}

/** The HTML of each page as the browser received it (the stylesheet and the script come on top, once). */
const weights: { page: string; documentBytes: number }[] = [];

async function visit(page: Page, url: string, name: string): Promise<void> {
  const res = await page.goto(url, { waitUntil: "networkidle" });
  const body = res ? await res.body() : Buffer.alloc(0);
  if (!weights.some((w) => w.page === name)) weights.push({ page: name, documentBytes: body.length });
}

const written: string[] = [];
async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage, animations: "disabled", caret: "hide" });
  written.push(file);
}

async function waitFor(what: string, check: () => Promise<boolean>, attempts = 60): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250)); // a script waiting on a live system, not a test
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function signInAsDemo(page: Page, base: string): Promise<void> {
  await page.goto(`${base}/console`);
  await page.getByRole("button", { name: "Sign in as the demo owner" }).click();
  await page.waitForLoadState();
  if (!(await page.getByRole("table", { name: "Agents" }).count())) throw new Error(`sign-in as the demo owner: ${page.url()} ${redact((await page.locator("main").textContent()) ?? "")}`);
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const dataDir = await mkdtemp(path.join(tmpdir(), "console-screenshots-"));
  const jwtSecret = randomBytes(32).toString("base64url");
  const gateway = await startGateway(dataDir, jwtSecret);
  let browser: Browser | null = null;
  let mcp: Client | null = null;
  try {
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
    const base = gateway.url;
    const desktop = await (await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 })).newPage();

    // Sign-in
    await visit(desktop, `${base}/console`, "sign-in");
    await shot(desktop, "sign-in-desktop");
    await signInAsDemo(desktop, base);
    await visit(desktop, `${base}/console`, "agents (the demo agent, before pairing)");
    const demoLink = desktop.getByRole("table", { name: "Agents" }).getByRole("link", { name: "Demo agent" });
    const agentUrl = new URL((await demoLink.getAttribute("href"))!, base).toString();

    // Connect Codex: the code goes from the page into memory only; the picture shows XXXX-XXXX
    await visit(desktop, agentUrl, "agent (demo data)");
    const connect = desktop.getByRole("region", { name: "Connect a device" });
    await connect.getByRole("button", { name: "Connect Codex" }).click();
    const command = connect.locator("#pair-command");
    await command.waitFor();
    const code = /[B-Z]{4}-[B-Z]{4}/.exec((await command.textContent()) ?? "")?.[0];
    if (!code) throw new Error("no pairing code on the page");
    await desktop.evaluate((pattern) => {
      for (const el of document.querySelectorAll("code")) el.textContent = (el.textContent ?? "").replace(new RegExp(pattern, "g"), "XXXX-XXXX");
    }, CODE.source);
    await shot(desktop, "agent-connect-desktop");

    // A device pairs with the built CLI; the status turns without a reload
    const home = path.join(dataDir, "laptop");
    const cliEnv = { PATH: process.env.PATH ?? "", HOME: home, NODEDC_TASKER_HOME: path.join(home, "nodedc-tasker"), CODEX_HOME: path.join(home, ".codex"), NO_COLOR: "1" };
    await mkdir(home, { recursive: true });
    const paired = await new Promise<number | null>((resolve, reject) => {
      const cli = spawn(process.execPath, [CLI, "pair", code, "--gateway", base, "--storage", "file", "--device", "anna-laptop", "--client", "codex"], { env: cliEnv, stdio: "ignore" });
      cli.once("error", reject);
      cli.once("exit", resolve);
    });
    if (paired !== 0) throw new Error(`nodedc-tasker pair exited ${paired}`);
    await waitFor("Paired with anna-laptop", async () => (await connect.getByRole("status").textContent()) === "Paired with anna-laptop");

    // The agent works: a card, a session report, and one refusal (a project it has no grant for)
    mcp = new Client({ name: "console-screenshots", version: "1.0.0" });
    await mcp.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], env: cliEnv, stderr: "ignore" }));
    const projects = (await mcp.callTool({ name: "list_projects", arguments: {} })).structuredContent as { projects: { id: string; identifier: string }[] };
    const demo = projects.projects.find((p) => p.identifier === "DEMO");
    if (!demo) throw new Error("the demo agent has no DEMO grant");
    const created = await mcp.callTool({ name: "create_card", arguments: { project_id: demo.id, title: "Fix the flaky login test", idempotency_key: `shots-${randomBytes(6).toString("hex")}` } });
    const card = (created.structuredContent as { card: { id: string } }).card;
    await mcp.callTool({ name: "report_session", arguments: { project_id: demo.id, card_id: card.id, status: "started", summary: "Reproduced it; the session cookie expires mid-test.", idempotency_key: `shots-${randomBytes(6).toString("hex")}` } });
    await mcp.callTool({ name: "get_card", arguments: { project_id: demo.id, card: card.id } });
    await mcp.callTool({ name: "get_card", arguments: { project_id: "00000000-0000-4000-8000-000000000000", card: card.id } });
    await mcp.close();
    mcp = null;

    // The agent page with all of it, once the sealer has sealed the earlier rows
    await waitFor("a sealed row in Activity", async () => {
      await desktop.goto(agentUrl);
      return (await desktop.getByRole("table", { name: "Activity" }).textContent())?.includes("sealed in checkpoint") ?? false;
    });
    await visit(desktop, agentUrl, "agent (paired, a card, about 15 activity rows)");
    await shot(desktop, "agent-desktop");
    await visit(desktop, `${base}/console`, "agents (one paired agent)");
    await shot(desktop, "agents-desktop");

    // A field error: Create agent with no name
    await desktop.getByRole("button", { name: "New agent" }).click();
    await desktop.getByRole("button", { name: "Create agent" }).click();
    await desktop.locator("#agent-name-error").waitFor();
    await shot(desktop, "field-error-desktop");

    // A lost answer: the gateway acts, the browser never hears
    await desktop.goto(`${base}/console`);
    await desktop.route("**/console/agents", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      await route.fetch();
      await route.abort("connectionreset");
    });
    await desktop.getByRole("button", { name: "New agent" }).click();
    await desktop.getByLabel("Agent name").fill("Anna's Codex on laptop");
    await desktop.getByRole("button", { name: "Create agent" }).click();
    await desktop.getByRole("button", { name: "Try again" }).waitFor();
    await shot(desktop, "lost-answer-desktop");
    await desktop.unroute("**/console/agents");

    await visit(desktop, `${base}/console/agents/00000000-0000-4000-8000-000000000000`, "not found");
    await shot(desktop, "not-found-desktop");

    // 360 px
    const phone = await (await browser.newContext({ viewport: PHONE, deviceScaleFactor: 1 })).newPage();
    await phone.goto(`${base}/console`);
    await shot(phone, "sign-in-360");
    await signInAsDemo(phone, base);
    await shot(phone, "agents-360");
    await phone.goto(agentUrl);
    await shot(phone, "agent-360");
    await phone.getByRole("button", { name: "Revoke agent" }).click();
    await phone.getByRole("dialog").waitFor();
    await shot(phone, "revoke-dialog-360", false); // the modal and what it covers, not the whole page behind it
    await phone.getByRole("button", { name: "Keep the agent" }).click();

    // A platform admin (Launcher would post this JWT; here it is pasted into the field)
    const admin = await (await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 1 })).newPage();
    await admin.goto(`${base}/console`);
    await admin.getByLabel("Launcher token").fill(launcherJwt(jwtSecret, { sub: "platform-admin", email: "admin@nodedc.local", role: "platform_admin" }));
    await admin.getByRole("button", { name: "Sign in", exact: true }).click();
    await admin.getByRole("table", { name: "Owners" }).waitFor();
    await visit(admin, `${base}/console`, "agents (platform admin)");
    await shot(admin, "admin-desktop");
  } catch (error) {
    process.stderr.write(`the gateway said:\n${redact(gateway.output())}\n`);
    throw error;
  } finally {
    await mcp?.close().catch(() => {});
    await browser?.close().catch(() => {});
    gateway.child.kill("SIGTERM");
    await new Promise((resolve) => (gateway.child.exitCode !== null ? resolve(null) : gateway.child.once("exit", resolve)));
    await rm(dataDir, { recursive: true, force: true });
  }

  // Compression: a 256-colour palette (libimagequant, quality ≤ 90), then oxipng's lossless
  // pass. Flat UI with anti-aliased text loses nothing visible and the files halve; a
  // picture the palette cannot hold at quality 70 or more keeps oxipng's lossless result.
  const sizes: { file: string; chromium: number; optimised: number }[] = [];
  for (const file of written) {
    const raw = await readFile(file);
    const lossless = await losslessCompressPng(raw, { strip: true });
    const quantised = await pngQuantize(raw, { maxQuality: 90 }).then((q) => losslessCompressPng(q, { strip: true }), () => null);
    const best = quantised && quantised.length < lossless.length ? quantised : lossless;
    if (best.length < raw.length) await writeFile(file, best);
    sizes.push({ file: path.relative(ROOT, file), chromium: raw.length, optimised: (await stat(file)).size });
  }
  const assets = path.join(ROOT, "packages/gateway/src/console/assets");
  const [css, js] = [(await stat(path.join(assets, "console.css"))).size, (await stat(path.join(assets, "console.js"))).size];
  process.stdout.write(`page weights (response bodies, uncompressed; every page also loads console.css ${css} B and console.js ${js} B):\n`);
  for (const w of weights) process.stdout.write(`  ${w.page}: HTML ${w.documentBytes} B, with CSS and JS ${w.documentBytes + css + js} B\n`);
  process.stdout.write(`screenshots (chromium PNG → palette + oxipng):\n`);
  for (const s of sizes) process.stdout.write(`  ${s.file}: ${s.chromium} → ${s.optimised}\n`);
  const sum = (k: "chromium" | "optimised") => sizes.reduce((n, s) => n + s[k], 0);
  process.stdout.write(`  all: ${sum("chromium")} → ${sum("optimised")}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`console:screenshots failed: ${redact(error instanceof Error ? (error.stack ?? error.message) : String(error))}\n`);
  process.exit(1);
});
