import { FIXTURE } from "@nodedc/tasker-sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectRounds } from "../tasker/rounds.test-support";
import type { Clock } from "../tasker/index";
import { DEMO, FULL, startToolStack, type CallResult, type ToolAgent, type ToolStack } from "./testing/tool-stack.test-support";

/**
 * Tasker requests in as few rounds as correctness allows (the sandbox holds each round's
 * requests until all of them are in flight: rounds.test-support.ts). The adapter's clock is
 * moved by hand to expire the metadata cache (TTL 30 s, refresh-ahead in its last 7.5 s).
 */
const TTL_MS = 30_000;
let offset = 0;
const clock: Clock = {
  now: () => Date.now() + offset,
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const ITEM = "GET /projects/{id}/work-items/{id}/";
const COMMENTS = "GET /projects/{id}/work-items/{id}/comments/";
const ACTIVITIES = "GET /projects/{id}/work-items/{id}/activities/";
const lookup = (ref: string) => `GET /work-items/${ref}/`;
const SEARCH = "GET /work-items/search/";
const LIST = "GET /projects/{id}/work-items/";
const OWNER_RIGHT = ["GET /projects/{id}/members/", "GET /members/"];
const METADATA = ["GET /projects/{id}/", "GET /projects/{id}/states/", "GET /projects/{id}/labels/"];

let t: ToolStack;
let agent: ToolAgent;
const card = { project_id: DEMO, card: FIXTURE.cards.demo2 };
const byIdentifier = { project_id: DEMO, card: "DEMO-2" };
const search = { project_id: DEMO, query: "login" };

beforeAll(async () => {
  t = await startToolStack({ taskerClock: clock });
  agent = await t.agentWith([{ project: "DEMO", scopes: FULL }]);
});
afterAll(async () => {
  await t?.stack.close();
});

const ok = async (p: Promise<CallResult>) => {
  const r = await p;
  expect(r.status, r.text).toBe(200);
  return r;
};
const rounds = (tool: string, args: unknown, expected: string[][]) => ok(expectRounds(t.stack.sandbox, () => t.call(agent, tool, args), expected));

describe("warm metadata", () => {
  beforeEach(async () => {
    offset += TTL_MS + 1;
    await ok(t.call(agent, "describe_project", { project_id: DEMO }));
  });

  it("get_card by UUID: item, comments and activity in one round", async () => {
    await rounds("get_card", card, [[ITEM, COMMENTS, ACTIVITIES]]);
  });

  it("get_card by identifier: the lookup, then comments and activity (two rounds); once seen, by its UUID in one", async () => {
    const first = await rounds("get_card", { project_id: DEMO, card: "DEMO-3" }, [[lookup("DEMO-3")], [COMMENTS, ACTIVITIES]]);
    const again = await rounds("get_card", { project_id: DEMO, card: "DEMO-3" }, [[ITEM, COMMENTS, ACTIVITIES]]);
    expect(again.body.result).toEqual(first.body.result);
    expect(first.body.result.card.id).toBe(FIXTURE.cards.demo3);
  });

  it("a remembered identifier whose item Tasker no longer shows falls back to the lookup, and answers like any missing card", async () => {
    const ref = { project_id: DEMO, card: "DEMO-5" };
    await ok(t.call(agent, "get_card", ref));
    const missing = await t.call(agent, "get_card", { project_id: DEMO, card: "DEMO-999" });
    t.stack.sandbox.store.archiveWorkItem(FIXTURE.cards.demo5, true);
    try {
      const gone = await expectRounds(t.stack.sandbox, () => t.call(agent, "get_card", ref), [[ITEM, COMMENTS, ACTIVITIES], [lookup("DEMO-5")]]);
      expect(gone.status).toBe(404);
      expect(gone.body.error.message.replace("DEMO-5", "X")).toBe(missing.body.error.message.replace("DEMO-999", "X"));
    } finally {
      t.stack.sandbox.store.archiveWorkItem(FIXTURE.cards.demo5, false);
    }
    // The hint was dropped: the next call looks the identifier up again.
    await rounds("get_card", ref, [[lookup("DEMO-5")], [COMMENTS, ACTIVITIES]]);
  });

  it("search_cards: Plane's search and the first page in one round; without a query only the page", async () => {
    const found = await rounds("search_cards", search, [[SEARCH, LIST]]);
    expect(found.body.result.cards.map((c: { id: string }) => c.id)).toEqual([FIXTURE.cards.demo2]);
    await rounds("search_cards", { project_id: DEMO, limit: 2 }, [[LIST]]);
  });
});

describe("metadata expired (cold)", () => {
  beforeEach(() => {
    offset += TTL_MS + 1;
  });

  it("get_card by UUID: the owner's right, then metadata, item, comments and activity together", async () => {
    await rounds("get_card", card, [OWNER_RIGHT, [...METADATA, ITEM, COMMENTS, ACTIVITIES]]);
  });

  it("get_card by identifier: the owner's right, then metadata with the lookup, then comments and activity; once seen, two rounds", async () => {
    const ref = { project_id: DEMO, card: "DEMO-4" };
    await rounds("get_card", ref, [OWNER_RIGHT, [...METADATA, lookup("DEMO-4")], [COMMENTS, ACTIVITIES]]);
    offset += TTL_MS + 1;
    await rounds("get_card", ref, [OWNER_RIGHT, [...METADATA, ITEM, COMMENTS, ACTIVITIES]]);
  });

  it("search_cards: the owner's right, then metadata, search and the first page together", async () => {
    await rounds("search_cards", search, [OWNER_RIGHT, [...METADATA, SEARCH, LIST]]);
  });
});

describe("refresh-ahead", () => {
  it("near expiry the cached metadata is served and refreshed alongside the call's own requests: no extra round, then warm past the old expiry", async () => {
    offset += TTL_MS + 1;
    await ok(t.call(agent, "describe_project", { project_id: DEMO }));
    offset += TTL_MS - 2_000;
    // One round: the call's own requests, and the background refresh of every entry it read.
    await rounds("get_card", card, [[...OWNER_RIGHT, ...METADATA, ITEM, COMMENTS, ACTIVITIES]]);
    offset += 2_001; // past the first load's expiry, within the refreshed entries' TTL
    await rounds("get_card", card, [[ITEM, COMMENTS, ACTIVITIES]]);
  });
});

describe("errors of requests sent together map as when they ran one after another", () => {
  const SHAPE = { mode: "shape" as const, method: "GET" };
  const NOT_FOUND = { mode: "error" as const, method: "GET", status: 404, body: { error: "The requested resource does not exist." } };
  const REJECTED = { mode: "error" as const, method: "GET", status: 400, body: { error: "Please provide valid detail" } };
  type Rule = Parameters<ToolStack["stack"]["sandbox"]["faults"]["add"]>[0];

  /** The error answer of `tool` with `rules` active, metadata expired; request ids left out. */
  const answerWith = async (rules: Rule[], tool: string, args: unknown) => {
    offset += TTL_MS + 1;
    for (const r of rules) t.stack.sandbox.faults.add(r);
    try {
      const r = await t.call(agent, tool, args);
      const { request_id: _id, ...error } = r.body.error ?? {};
      return { status: r.status, error };
    } finally {
      t.stack.sandbox.faults.clear();
    }
  };

  it("search_cards: the metadata's failure first, then the search's, then the page's", async () => {
    const meta = { ...SHAPE, path: "/labels/$" };
    const searched = { ...REJECTED, path: "/search/$" };
    const page = { ...NOT_FOUND, path: `/projects/${DEMO}/work-items/$` };
    const metaOnly = await answerWith([meta], "search_cards", search);
    const searchOnly = await answerWith([searched], "search_cards", search);
    const pageOnly = await answerWith([page], "search_cards", search);
    // Three different failures, so the combined answers below show which one won.
    expect(new Set([metaOnly, searchOnly, pageOnly].map((a) => JSON.stringify(a))).size).toBe(3);
    expect([metaOnly.status, searchOnly.status, pageOnly.status].every((s) => s >= 400)).toBe(true);
    expect(await answerWith([meta, searched, page], "search_cards", search)).toEqual(metaOnly);
    expect(await answerWith([searched, page], "search_cards", search)).toEqual(searchOnly);
  });

  it("get_card by identifier: the metadata's failure wins over the lookup's; a lookup 404 is the card's 404", async () => {
    const meta = { ...SHAPE, path: "/states/$" };
    const lookup = { ...NOT_FOUND, path: "/work-items/DEMO-2/$" };
    const metaOnly = await answerWith([meta], "get_card", byIdentifier);
    const lookupOnly = await answerWith([lookup], "get_card", byIdentifier);
    expect(lookupOnly.status).toBe(404);
    expect(metaOnly.status).toBeGreaterThanOrEqual(400);
    expect(metaOnly).not.toEqual(lookupOnly);
    expect(await answerWith([meta, lookup], "get_card", byIdentifier)).toEqual(metaOnly);
  });

  it("get_card of another project's identifier is refused as before, whatever its lookup answered", async () => {
    const other = { project_id: DEMO, card: "OPS-1" };
    const plain = await answerWith([], "get_card", other);
    expect(plain.status).toBe(404);
    expect(await answerWith([{ ...REJECTED, path: "/work-items/OPS-1/$" }], "get_card", other)).toEqual(plain);
  });
});
