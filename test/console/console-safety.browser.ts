/**
 * What must not happen in the console, shown in Chromium: a page of another origin (even
 * the same host on another port) cannot make the console act; another owner sees a 404;
 * a form answer lost after the gateway acted leaves an honest page, and "Try again" does
 * not create a second agent or grant; admins see every owner and can block one.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, startConsoleHarness, type ConsoleHarness } from "./browser-harness";

const OWNER = "demo.owner@nodedc.local";
let h: ConsoleHarness;
let evil: Server;
let evilUrl = "";

beforeAll(async () => {
  h = await startConsoleHarness();
  // A hostile page on 127.0.0.1 (same site as the gateway, another origin) that posts a console form.
  evil = createServer((_req, res) => {
    res.setHeader("Content-Type", "text/html");
    res.end(`<!DOCTYPE html><html lang="en"><title>evil</title><form id="f" method="post" action="${h.stack.gatewayUrl}/console/agents">
      <input name="display_name" value="planted by another origin"><input name="form_nonce" value="evil-nonce-0123456789"></form>
      <script>document.getElementById("f").submit()</script></html>`);
  });
  await new Promise<void>((resolve) => evil.listen(0, "127.0.0.1", resolve));
  evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => evil?.close(resolve));
  await h?.close();
});

const agentCount = async (name: string) => (await h.stack.adminSql<{ n: number }[]>`SELECT count(*)::int AS n FROM agents WHERE display_name = ${name}`)[0]!.n;

describe("console safety in a real browser", () => {
  it("a form posted by another origin's page is refused with 403 even though the cookie goes along", async () => {
    const { page } = await h.newPage();
    await h.signIn(page, { email: OWNER });
    const refused = page.waitForResponse((r) => r.url().endsWith("/console/agents") && r.request().method() === "POST");
    await page.goto(evilUrl);
    const res = await refused;
    expect(res.status()).toBe(403);
    expect(await res.request().headerValue("cookie")).toMatch(/nodedc_console=/); // same-site: Lax lets it through, Origin stops it
    expect(await agentCount("planted by another origin")).toBe(0);
  });

  it("another owner gets the 404 page for an agent that is not theirs", async () => {
    const { agent } = await h.stack.createAgent(OWNER, "Not yours");
    const { page } = await h.newPage();
    await h.signIn(page, { email: "someone.else@nodedc.local" });
    expect(await page.getByRole("table", { name: "Agents" }).getByRole("link", { name: "Not yours" }).count()).toBe(0);
    const res = await page.goto(`/console/agents/${agent.id}`);
    expect(res!.status()).toBe(404);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Not found");
    expect(await page.content()).not.toContain("Not yours");
    await expectAccessible(page, "404 page");
  });

  it("a lost answer after the gateway created the agent: the page says so, and Try again makes no second agent", async () => {
    const { page } = await h.newPage();
    await h.signIn(page, { email: OWNER });
    let dropped = 0;
    await page.route("**/console/agents", async (route) => {
      if (route.request().method() === "POST" && dropped === 0) {
        dropped++;
        await route.fetch(); // the gateway handles it…
        await route.abort("connectionreset"); // …and the answer never arrives
        return;
      }
      await route.continue();
    });
    await page.getByRole("button", { name: "New agent" }).click();
    await page.getByLabel("Agent name").fill("Exactly one agent");
    await page.getByRole("button", { name: "Create agent" }).click();
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.textContent()).toContain("may already have done this");
    expect(await agentCount("Exactly one agent")).toBe(1);
    await expectAccessible(page, "lost-answer message");
    await alert.getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Exactly one agent");
    expect(await agentCount("Exactly one agent")).toBe(1);

    // The same for a grant
    const agentUrl = page.url().replace(/\?.*$/, "");
    await page.unroute("**/console/agents");
    let droppedGrant = 0;
    await page.route("**/grants", async (route) => {
      if (route.request().method() === "POST" && droppedGrant === 0) {
        droppedGrant++;
        await route.fetch();
        await route.abort("connectionreset");
        return;
      }
      await route.continue();
    });
    const grants = page.getByRole("region", { name: "Grants" });
    await grants.getByLabel("Project").selectOption(FIXTURE.projects.ops.id);
    await grants.getByRole("button", { name: "Grant project" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("may already have done this");
    await page.getByRole("alert").getByRole("button", { name: "Try again" }).click();
    await expect.poll(() => page.getByRole("region", { name: "Grants" }).getByRole("row", { name: /OPS/ }).count()).toBe(1);
    const agentId = /agents\/([0-9a-f-]{36})/.exec(agentUrl)![1]!;
    const grantRows = await h.stack.adminSql`SELECT id FROM grants WHERE agent_id = ${agentId}`;
    expect(grantRows).toHaveLength(1);
    const grantEvents = await h.stack.adminSql`SELECT id FROM audit_events WHERE agent_id = ${agentId} AND action IN ('grant.create', 'grant.update')`;
    expect(grantEvents).toHaveLength(1);
  });

  it("bad input is answered next to the field, and the page stays usable", async () => {
    const { page } = await h.newPage();
    await h.signIn(page, { email: OWNER });
    await page.getByRole("button", { name: "New agent" }).click();
    await page.getByRole("button", { name: "Create agent" }).click();
    const field = page.getByLabel("Agent name");
    await expect.poll(() => field.getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#agent-name-error").textContent()).toContain("Give the agent a name.");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("agent-name");
    await expectAccessible(page, "agents page with a field error");
    await field.fill("Fixed name");
    await page.getByRole("button", { name: "Create agent" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Fixed name");

    const grants = page.getByRole("region", { name: "Grants" });
    await grants.getByLabel(/^cards:read/).uncheck();
    await grants.getByRole("button", { name: "Grant project" }).click();
    await expect.poll(() => page.getByRole("region", { name: "Grants" }).textContent()).toContain("Choose a project.");
    expect(await page.getByRole("region", { name: "Grants" }).textContent()).toContain("Tick at least one scope.");
  });

  it("a pending code can be cancelled; its live status says so", async () => {
    const { page } = await h.newPage();
    await h.signIn(page, { email: OWNER });
    const { agent } = await h.stack.createAgent(OWNER, "Cancel my code");
    // the agent belongs to the same owner as the signed-in human (same user id)
    await page.goto(`/console/agents/${agent.id}`);
    const connect = page.getByRole("region", { name: "Connect a device" });
    await connect.getByRole("button", { name: "Connect Codex" }).click();
    await expect.poll(() => connect.getByRole("status").textContent()).toBe("Waiting for the device");
    const codes = connect.getByRole("table", { name: "Pairing codes" });
    await expect.poll(() => codes.getByRole("row", { name: /pending/ }).count()).toBe(1);
    await codes.getByRole("row", { name: /pending/ }).getByRole("button", { name: "Cancel code" }).click();
    await expect.poll(() => page.getByRole("table", { name: "Pairing codes" }).getByRole("row", { name: /cancelled/ }).count()).toBe(1);
    expect(await page.getByRole("table", { name: "Pairing codes" }).getByRole("button", { name: "Cancel code" }).count()).toBe(0);
  });

  it("a platform admin sees every owner's agents, filters by owner, and blocks and reactivates an owner", async () => {
    await h.stack.createAgent("blockme@nodedc.local", "Agent of blockme");
    const { page } = await h.newPage();
    await h.signIn(page, { email: "admin@nodedc.local", role: "platform_admin" });
    const agents = page.getByRole("table", { name: "Agents" });
    await expect.poll(() => agents.getByRole("link", { name: "Agent of blockme" }).count()).toBe(1);
    await page.getByLabel("Show agents of").selectOption(h.stack.ownerUserIdOf("blockme@nodedc.local"));
    await page.getByRole("button", { name: "Show agents" }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get("owner")).toBe(h.stack.ownerUserIdOf("blockme@nodedc.local"));
    expect(await page.getByRole("table", { name: "Agents" }).getByRole("row").count()).toBe(2); // header + one agent
    await expectAccessible(page, "admin agents");
    const ownerRow = page.getByRole("table", { name: "Owners" }).getByRole("row", { name: /blockme@nodedc\.local/ });
    await ownerRow.getByRole("button", { name: "Block owner" }).click();
    await expect.poll(() => page.getByRole("table", { name: "Owners" }).getByRole("row", { name: /blockme@nodedc\.local/ }).textContent()).toContain("blocked");
    expect(await page.getByRole("table", { name: "Agents" }).getByRole("row", { name: /Agent of blockme/ }).textContent()).toContain("suspended");
    await page.getByRole("table", { name: "Owners" }).getByRole("row", { name: /blockme@nodedc\.local/ }).getByRole("button", { name: "Reactivate owner" }).click();
    await expect.poll(() => page.getByRole("table", { name: "Owners" }).getByRole("row", { name: /blockme@nodedc\.local/ }).textContent()).toContain("active");
    const [event] = await h.stack.adminSql<{ actor_user_id: string }[]>`SELECT actor_user_id FROM audit_events WHERE action = 'owner.status' AND owner_user_id = ${h.stack.ownerUserIdOf("blockme@nodedc.local")} ORDER BY occurred_at LIMIT 1`;
    expect(event!.actor_user_id).toBe(h.stack.ownerUserIdOf("admin@nodedc.local"));
  });
});
