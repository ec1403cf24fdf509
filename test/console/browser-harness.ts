/**
 * The console's browser harness: a real gateway + Tasker sandbox + isolated database
 * (startTestStack) and Debian's Chromium driven by playwright-core, kept off the network.
 * axe-core checks each page; every response body the browser sees is kept so a test can
 * prove no token ever reached it.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { AxeBuilder } from "@axe-core/playwright";
import { expect } from "vitest";
import { startTestStack, type TestStack } from "../../packages/gateway/src/testing/test-stack";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = path.join(ROOT, "packages/cli/dist/cli.js");
export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"];
export const TOKEN_PATTERN = /ndca_[0-9A-Za-z]{46}/;

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: CHROMIUM_ARGS });
}

export interface ConsoleHarness {
  stack: TestStack;
  browser: Browser;
  /** Every response body (text) any page of the harness received. */
  bodies: string[];
  newPage(viewport?: { width: number; height: number }): Promise<{ context: BrowserContext; page: Page }>;
  signIn(page: Page, who: { email: string; role?: "user" | "platform_admin" }): Promise<void>;
  close(): Promise<void>;
}

export async function startConsoleHarness(env: Record<string, string> = {}): Promise<ConsoleHarness> {
  const stack = await startTestStack({ env });
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await stack.close();
    throw error;
  }
  const bodies: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    stack,
    browser,
    bodies,
    async newPage(viewport = { width: 1280, height: 900 }) {
      const context = await browser.newContext({ viewport, baseURL: stack.gatewayUrl });
      contexts.push(context);
      const page = await context.newPage();
      page.on("response", (res) => {
        const type = res.headers()["content-type"] ?? "";
        if (/html|json|javascript|css|text/.test(type)) {
          res.text().then((t) => bodies.push(t), () => {});
        }
      });
      return { context, page };
    },
    async signIn(page, who) {
      const jwt = await stack.mintJwt({ sub: stack.ownerUserIdOf(who.email), email: who.email, role: who.role ?? "user", ttlS: 900 });
      await page.goto("/console");
      await page.getByLabel("Launcher token").fill(jwt);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await expect.poll(() => page.getByRole("table", { name: "Agents" }).count()).toBe(1);
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      await stack.close();
    },
  };
}

/** axe-core on the page as it is now: no serious or critical violation. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI with its own home (config dir, Codex home), like a developer's laptop. */
export async function createLaptop(): Promise<{ home: string; env: Record<string, string>; run(args: string[]): Promise<CliRun>; storedToken(): Promise<string> }> {
  const home = await mkdtemp(path.join(tmpdir(), "console-laptop-"));
  const env = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    NODEDC_TASKER_HOME: path.join(home, "nodedc-tasker"),
    CODEX_HOME: path.join(home, ".codex"),
    NO_COLOR: "1",
  };
  return {
    home,
    env,
    run(args) {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
    },
    async storedToken() {
      const dir = env.NODEDC_TASKER_HOME;
      const texts: string[] = [];
      for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
        if (entry.isFile()) texts.push(await readFile(path.join(entry.parentPath, entry.name), "utf8"));
      }
      return TOKEN_PATTERN.exec(texts.join("\n"))?.[0] ?? "";
    },
  };
}
