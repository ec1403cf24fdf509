/**
 * The owner's whole journey in Chromium, driven by role and accessible name (DESIGN §13):
 * sign in → new agent → grant → Connect Codex → the real CLI pairs → the status turns
 * without a reload → the agent makes a card through `nodedc-tasker mcp` → Activity and
 * Tokens show it → revoke the token → the CLI's next call is refused. No token anywhere.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, createLaptop, expectAccessible, startConsoleHarness, TOKEN_PATTERN, type ConsoleHarness } from "./browser-harness";

const OWNER = "demo.owner@nodedc.local";

let h: ConsoleHarness;
beforeAll(async () => {
  h = await startConsoleHarness({ TASKER_WEB_URL: "https://tasker.example.test" });
});
afterAll(async () => {
  await h?.close();
});

/** Bytes the browser transferred for one page load (document, CSS and JS). */
async function pageWeight(page: Page, url: string): Promise<number> {
  let bytes = 0;
  const onDone = async (req: import("playwright-core").Request) => {
    const sizes = await req.sizes().catch(() => null);
    if (sizes) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
  };
  page.on("requestfinished", onDone);
  await page.goto(url, { waitUntil: "networkidle" });
  page.off("requestfinished", onDone);
  return bytes;
}

describe("the owner console, end to end", () => {
  it("takes an owner from sign-in to a paired device, a card, and a revoked token", async () => {
    const { page } = await h.newPage();
    await page.goto("/console");
    await expectAccessible(page, "sign-in");
    await h.signIn(page, { email: OWNER });
    await expectAccessible(page, "agents (empty)");

    // New agent
    await page.getByRole("button", { name: "New agent" }).click();
    await page.getByLabel("Agent name").fill("Anna's Codex on laptop");
    await page.getByRole("button", { name: "Create agent" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Anna's Codex on laptop");
    const agentUrl = page.url().replace(/\?.*$/, "");
    const agentId = /agents\/([0-9a-f-]{36})/.exec(agentUrl)![1]!;

    // Grant DEMO with write scopes
    const grants = page.getByRole("region", { name: "Grants" });
    const projectSelect = grants.getByLabel("Project");
    const options = await projectSelect.locator("option").allTextContents();
    expect(options).toContain("DEMO — Demo project");
    expect(options).toContain("OPS — Operations");
    expect(options.some((o) => o.startsWith("SECRET"))).toBe(false); // the owner is no member there
    await projectSelect.selectOption({ label: "DEMO — Demo project" });
    await grants.getByLabel(/^cards:write/).check();
    await grants.getByLabel(/^sessions:report/).check();
    await grants.getByRole("button", { name: "Grant project" }).click();
    const grantRow = page.getByRole("region", { name: "Grants" }).getByRole("row", { name: /DEMO/ });
    await expect.poll(() => grantRow.textContent()).toContain("cards:read, cards:write, sessions:report");
    await expect.poll(() => grantRow.getByRole("button", { name: "Remove grant" }).count()).toBe(1);

    // Connect Codex
    const connect = page.getByRole("region", { name: "Connect a device" });
    await connect.getByRole("button", { name: "Connect Codex" }).click();
    const command = connect.locator("code", { hasText: "npx nodedc-tasker pair" });
    await expect.poll(() => command.textContent()).toMatch(new RegExp(`^npx nodedc-tasker pair [B-Z]{4}-[B-Z]{4} --gateway ${h.stack.gatewayUrl}$`));
    const status = connect.getByRole("status");
    expect(await status.textContent()).toBe("Waiting for the device");
    await expectAccessible(page, "agent page with a fresh code");
    const code = /pair ([B-Z]{4}-[B-Z]{4})/.exec((await command.textContent())!)![1]!;

    // The status changes without a reload: mark the moment it does.
    await page.evaluate(() => {
      const el = document.getElementById("pairing-status")!;
      new MutationObserver(() => ((window as unknown as { pairedAt: number }).pairedAt = Date.now())).observe(el, { childList: true, characterData: true, subtree: true });
    });
    const laptop = await createLaptop();
    const paired = await laptop.run(["pair", code, "--gateway", h.stack.gatewayUrl, "--storage", "file", "--device", "anna-laptop", "--client", "codex"]);
    expect(paired.code, paired.stderr).toBe(0);
    await expect.poll(() => status.textContent(), { timeout: 5000 }).toBe("Paired with anna-laptop");
    const [exchange] = await h.stack.adminSql<{ consumed_at: Date }[]>`SELECT consumed_at FROM pairing_codes WHERE agent_id = ${agentId} AND consumed_at IS NOT NULL`;
    const pairedAt = await page.evaluate(() => (window as unknown as { pairedAt: number }).pairedAt);
    const latencyMs = pairedAt - exchange!.consumed_at.getTime();
    expect(latencyMs).toBeLessThan(5000);
    process.stderr.write(`[console figures] exchange → "Paired with" shown: ${latencyMs} ms\n`);
    const token = await laptop.storedToken();
    expect(token).toMatch(TOKEN_PATTERN);

    // The agent makes a card through the real CLI's MCP server
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, "mcp"], env: laptop.env, stderr: "pipe" });
    const mcp = new Client({ name: "console-journey", version: "1.0.0" });
    await mcp.connect(transport);
    const created = await mcp.callTool({
      name: "create_card",
      arguments: { project_id: FIXTURE.projects.demo.id, title: "Made from the console journey", idempotency_key: `console-journey-${agentId}` },
    });
    expect(created.isError, JSON.stringify(created.content)).toBeFalsy();
    const card = (created.structuredContent as { card: { id: string; identifier: string } }).card;
    const reported = await mcp.callTool({
      name: "report_session",
      arguments: { project_id: FIXTURE.projects.demo.id, card_id: card.id, status: "started", summary: "Picked it up", idempotency_key: `console-session-${agentId}` },
    });
    expect(reported.isError, JSON.stringify(reported.content)).toBeFalsy();

    // Activity and Tokens show it (a reload: the owner comes back to the page)
    await page.goto(agentUrl);
    const activity = page.getByRole("table", { name: "Activity" });
    const createRow = activity.getByRole("row", { name: /tool\.create_card/ }).filter({ hasText: "allowed" }).first();
    await expect.poll(() => createRow.textContent()).toContain(card.identifier);
    expect(await createRow.getByRole("link", { name: card.identifier }).getAttribute("href")).toBe(
      `https://tasker.example.test/nodedc/projects/${FIXTURE.projects.demo.id}/issues/${card.id}`,
    );
    const sessions = page.getByRole("table", { name: "Card sessions" });
    expect(await sessions.getByRole("row", { name: new RegExp(card.identifier) }).textContent()).toContain("started");
    const tokens = page.getByRole("table", { name: "Tokens" });
    const tokenRow = tokens.getByRole("row", { name: new RegExp(`ndca_…${token.slice(-4)}`) });
    expect(await tokenRow.textContent()).toContain("anna-laptop");
    expect(await tokenRow.textContent()).toContain("active");
    await expectAccessible(page, "agent page with activity");

    // Outcome filter, kept in the URL
    await page.getByLabel("Outcome").selectOption("denied");
    await page.getByRole("button", { name: "Filter activity" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("outcome")).toBe("denied");
    expect(await page.getByRole("table", { name: "Activity" }).getByRole("row", { name: /tool\.create_card/ }).count()).toBe(0);

    // Revoke the token; the CLI's next call is refused
    await page.goto(agentUrl);
    await page.getByRole("table", { name: "Tokens" }).getByRole("row", { name: new RegExp(`ndca_…${token.slice(-4)}`) }).getByRole("button", { name: "Revoke token" }).click();
    await expect.poll(() => page.getByRole("table", { name: "Tokens" }).getByRole("row", { name: new RegExp(`ndca_…${token.slice(-4)}`) }).textContent()).toContain("revoked");
    expect(await page.getByRole("table", { name: "Tokens" }).getByRole("button", { name: "Revoke token" }).count()).toBe(0);
    const refused = await mcp.callTool({ name: "whoami", arguments: {} });
    expect(refused.isError).toBe(true);
    await mcp.close();
    const status2 = await laptop.run(["status", "--json"]);
    expect(status2.code).not.toBe(0);

    // The agents table tells the same story
    await page.goto("/console");
    const row = page.getByRole("table", { name: "Agents" }).getByRole("row", { name: /Anna's Codex on laptop/ });
    expect(await row.getByRole("link", { name: "Anna's Codex on laptop" }).count()).toBe(1);
    expect(await row.textContent()).toMatch(/connected/);
    expect(await row.textContent()).toContain("DEMO");

    // Every console action was audited with the human as actor
    const actions = await h.stack.adminSql<{ action: string; actor_type: string; actor_user_id: string }[]>`
      SELECT action, actor_type, actor_user_id FROM audit_events WHERE agent_id = ${agentId} AND details->>'via' = 'console' ORDER BY occurred_at`;
    expect(actions.map((a) => a.action)).toEqual(["agent.create", "grant.create", "pairing_code.create", "token.revoke"]);
    for (const a of actions) expect([a.actor_type, a.actor_user_id]).toEqual(["user", h.stack.ownerUserIdOf(OWNER)]);

    // No token anywhere: not in any response the browser saw, not in the DOM
    const everything = h.bodies.join("\n") + (await page.content());
    expect(everything).not.toContain(token);
    expect(everything).not.toMatch(TOKEN_PATTERN);

    // Page weight, for the record
    const weights = { signIn: 0, agents: 0, agent: 0 };
    weights.agents = await pageWeight(page, "/console");
    weights.agent = await pageWeight(page, agentUrl);
    const { page: fresh } = await h.newPage();
    weights.signIn = await pageWeight(fresh, "/console");
    process.stderr.write(`[console figures] page weight (bytes incl. headers, CSS and JS): ${JSON.stringify(weights)}\n`);
    expect(weights.agent).toBeGreaterThan(0);
  });

  it("works at 360 px with the keyboard alone: pause, resume, revoke through the dialog", async () => {
    const { page } = await h.newPage({ width: 360, height: 780 });
    await page.goto("/console");
    await expectAccessible(page, "sign-in at 360 px");
    await h.signIn(page, { email: OWNER });
    await expectAccessible(page, "agents at 360 px");
    // Keyboard only: open the form, type, submit
    await page.getByRole("button", { name: "New agent" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("agent-name");
    await page.keyboard.type("Phone-sized agent");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Phone-sized agent");
    const noScroll = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
    expect(noScroll).toBe(true);
    await expectAccessible(page, "agent page at 360 px");

    await page.getByRole("button", { name: "Pause agent" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("button", { name: "Resume agent" }).count()).toBe(1);
    expect(await page.locator(".facts").textContent()).toContain("paused");
    await page.getByRole("button", { name: "Resume agent" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("button", { name: "Pause agent" }).count()).toBe(1);

    await page.getByRole("button", { name: "Revoke agent" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expectAccessible(page, "revoke dialog");
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe("Revoke permanently");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator(".facts").textContent()).toContain("revoked");
    expect(await page.getByRole("button", { name: "Pause agent" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Connect Codex" }).count()).toBe(0);
  });
});
