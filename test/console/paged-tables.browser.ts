/**
 * "Load more" under the console's paged tables (Activity: 25 a page; Agents: 100 a page).
 * Without the script the link is the next page (keyset cursor in the URL); with it, the
 * next page's rows are appended to the same table, the URL stays the page's own, focus
 * goes to the first new row and a polite live region says how many came.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAccessible, startConsoleHarness, type ConsoleHarness } from "./browser-harness";

const OWNER = "pager.owner@nodedc.local";
const EVENTS = 30; // + the agent's own agent.create = 31: one page of 25, then 6

let h: ConsoleHarness;
let agentId = "";
beforeAll(async () => {
  h = await startConsoleHarness();
  const { agent, ownerUserId } = await h.stack.createAgent(OWNER, "Paged agent");
  agentId = agent.id;
  for (let i = 1; i <= EVENTS; i++) {
    const n = String(i).padStart(2, "0");
    await h.stack.deps.audit.durable({ actor_type: "agent", agent_id: agent.id, owner_user_id: ownerUserId, action: `test.paged_${n}`, outcome: "allowed", request_id: `paged-${n}` });
  }
});
afterAll(async () => {
  await h?.close();
});

/** The action of each data row of the Activity table, top to bottom. */
const actionsShown = (page: Page) => page.getByRole("table", { name: "Activity" }).locator("tbody tr td:nth-child(2)").allTextContents();
const newest = Array.from({ length: EVENTS }, (_, i) => `test.paged_${String(EVENTS - i).padStart(2, "0")}`);

describe("load more on paged tables", () => {
  it("without the script, Load more activity is a link to the next page", async () => {
    const context = await h.browser.newContext({ baseURL: h.stack.gatewayUrl, javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await h.signIn(page, { email: OWNER });
      await page.goto(`/console/agents/${agentId}`);
      expect(await actionsShown(page)).toEqual(newest.slice(0, 25));
      await page.getByRole("link", { name: "Load more activity" }).click();
      await expect.poll(() => new URL(page.url()).searchParams.has("cursor")).toBe(true);
      expect(await actionsShown(page)).toEqual([...newest.slice(25), "agent.create"]);
      expect(await page.getByRole("link", { name: "Load more activity" }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("with the script, the next page is appended in place and focus moves to its first row", async () => {
    const { page } = await h.newPage({ width: 360, height: 780 });
    await h.signIn(page, { email: OWNER });
    await page.goto(`/console/agents/${agentId}?outcome=allowed`);
    const before = page.url();
    await page.getByRole("link", { name: "Load more activity" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => actionsShown(page)).toEqual([...newest, "agent.create"]);
    expect(page.url()).toBe(before); // appended, not navigated: the filter stays, no cursor
    expect(await page.getByRole("link", { name: "Load more activity" }).count()).toBe(0);
    expect(await page.locator("#activity-table-more").textContent()).toBe("6 more loaded, 31 shown: that is all.");
    // Focus is on the first appended row (the 26th), so the next Tab/arrow continues from there
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const row = el?.closest("tr");
      return { tag: el?.tagName, text: row?.textContent ?? "", index: row ? Array.from(row.parentElement!.children).indexOf(row) : -1 };
    });
    expect(focused.tag).toBe("TD");
    expect(focused.index).toBe(25);
    expect(focused.text).toContain("test.paged_05");
    await expectAccessible(page, "activity after load more");
  });

  it("More agents appends the next hundred agents to the Agents table", async () => {
    const owner = "many.agents@nodedc.local";
    for (let i = 1; i <= 101; i++) await h.stack.createAgent(owner, `Agent ${String(i).padStart(3, "0")}`);
    const { page } = await h.newPage();
    await h.signIn(page, { email: owner });
    const links = page.getByRole("table", { name: "Agents" }).getByRole("link");
    expect(await links.count()).toBe(100);
    await page.getByRole("link", { name: "More agents" }).click();
    await expect.poll(() => links.count()).toBe(101);
    const names = await links.allTextContents();
    expect(new Set(names).size).toBe(101);
    expect(new URL(page.url()).searchParams.has("cursor")).toBe(false);
    expect(await page.getByRole("link", { name: "More agents" }).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.closest("tr")?.textContent ?? "")).toContain(names[100]!);
  });
});
