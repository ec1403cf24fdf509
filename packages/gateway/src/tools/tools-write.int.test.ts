import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE } from "@nodedc/tasker-sandbox";
import { routePath, ROUTES } from "@nodedc/shared";
import { EXTERNAL_SOURCE } from "../tasker/types";
import { requestHash } from "../idempotency/idempotency-store";
import { DEMO, FULL, expectOnlyAllowlistedTaskerCalls, type AnyJson, freshKey, startToolStack, type ToolAgent, type ToolStack } from "./testing/tool-stack.test-support";

let t: ToolStack;
let agent: ToolAgent;

// A short Tasker timeout makes "Tasker answered too late" (an ambiguous write) quick to test.
beforeAll(async () => {
  t = await startToolStack({ env: { TASKER_TIMEOUT_MS: "1500" } });
  agent = await t.agentWith([{ project: "DEMO", scopes: FULL }, { project: "OPS", scopes: ["cards:read"] }]);
});
afterAll(async () => {
  if (t) expectOnlyAllowlistedTaskerCalls(t.stack);
  await t?.stack.close();
});

function postOnFreshConnection(url: string, token: string, body: unknown): Promise<{ status: number; body: AnyJson }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent: false, headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

const cardsTitled = (title: string) => t.stack.sandbox.store.visibleWorkItems(DEMO).filter((i) => i.name === title);
/** Settles once the sandbox has finished the request a latency fault slowed down (the gateway gave up on it earlier). */
const slowRequestDone = (method: string) => t.stack.sandbox.requestLog.next((e) => e.fault === "latency" && e.method === method);
const postsSince = (seq: number) => t.stack.sandbox.requestLog.since(seq).filter((e) => e.method === "POST" || e.method === "PATCH").length;

describe("create_card", () => {
  it("creates a card with sanitised, attributed HTML and an external ref", async () => {
    const title = `create ${freshKey()}`;
    const r = await t.call(agent, "create_card", {
      project_id: DEMO,
      title,
      description_markdown: "Do **this**.\n\n<script>alert(1)</script>",
      priority: "high",
      state_id: FIXTURE.states.demo.todo,
      label_ids: [FIXTURE.labels.demo.bug],
      assignee_ids: [FIXTURE.users.demoOwner.id],
      idempotency_key: freshKey(),
    });
    expect(r.status, r.text).toBe(200);
    const card = r.body.result.card;
    expect(card.identifier).toMatch(/^DEMO-\d+$/);
    expect(card.state.id).toBe(FIXTURE.states.demo.todo);
    expect(card.labels[0].id).toBe(FIXTURE.labels.demo.bug);
    expect(card.created_by_agent).toBe(true);
    expect(card.description_markdown).toContain("Do **this**.");
    const [stored] = cardsTitled(title);
    expect(stored!.descriptionHtml).toContain("<strong>this</strong>");
    expect(stored!.descriptionHtml).not.toContain("<script");
    expect(stored!.descriptionHtml).toContain(`agent “Anna's Codex” on behalf of ${FIXTURE.users.demoOwner.email} (nodedc-tasker)`);
    expect(stored!.externalSource).toBe(EXTERNAL_SOURCE);
    const [record] = await t.stack.adminSql`SELECT id::text FROM idempotency_records WHERE agent_id = ${agent.id} AND request_hash IS NOT NULL AND tool = 'create_card' AND id::text = ${stored!.externalId}`;
    expect(stored!.externalId).toBe(record!.id);
  });

  it("replays the same key with the stored answer, Idempotent-Replayed and no Tasker write", async () => {
    const key = freshKey();
    const args = { project_id: DEMO, title: `replay ${key}` };
    const first = await t.call(agent, "create_card", args, { key });
    expect(first.status).toBe(200);
    const seq = t.stack.sandbox.requestLog.lastSeq;
    const again = await t.call(agent, "create_card", { ...args, idempotency_key: key });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.text).toBe(first.text);
    expect(t.stack.sandbox.requestLog.since(seq)).toHaveLength(0); // no Tasker call at all (membership is cached)
    expect(postsSince(seq)).toBe(0);
    expect(cardsTitled(args.title)).toHaveLength(1);
    const audit = await t.stack.adminSql`SELECT outcome FROM audit_events WHERE agent_id = ${agent.id} AND details->>'idempotency_key' = ${key} ORDER BY occurred_at`;
    expect(audit.map((a) => a.outcome)).toEqual(["allowed", "replayed"]);
  });

  it("refuses a key reused with other arguments (422), missing keys (400), malformed keys (400) and header/argument mismatch (400)", async () => {
    const key = freshKey();
    expect((await t.call(agent, "create_card", { project_id: DEMO, title: `a ${key}` }, { key })).status).toBe(200);
    const reused = await t.call(agent, "create_card", { project_id: DEMO, title: `b ${key}` }, { key });
    expect([reused.status, reused.body.error.code]).toEqual([422, "idempotency_key_reused"]);
    const missing = await t.call(agent, "create_card", { project_id: DEMO, title: "no key" });
    expect([missing.status, missing.body.error.code]).toEqual([400, "idempotency_key_required"]);
    for (const bad of ["short", "has space in it", "x".repeat(129), "ünïcødé-key-1"]) {
      const r = await t.call(agent, "create_card", { project_id: DEMO, title: "bad key", idempotency_key: bad });
      expect([r.status, r.body.error.code]).toEqual([400, "idempotency_key_invalid"]);
    }
    const wrongType = await t.call(agent, "create_card", { project_id: DEMO, title: "bad key", idempotency_key: 12345678 });
    expect(wrongType.body.error.code).toBe("idempotency_key_invalid");
    const mismatch = await t.call(agent, "create_card", { project_id: DEMO, title: "x", idempotency_key: freshKey() }, { key: freshKey() });
    expect([mismatch.status, mismatch.body.error.code]).toEqual([400, "idempotency_key_invalid"]);
    expect(cardsTitled("no key")).toHaveLength(0);
    expect(cardsTitled("bad key")).toHaveLength(0);
  });

  it("20 parallel calls with one key → exactly one Tasker write, one card and identical answers", async () => {
    const key = freshKey("par");
    const title = `parallel ${key}`;
    const seq = t.stack.sandbox.requestLog.lastSeq;
    const results = await Promise.all(Array.from({ length: 20 }, () => t.call(agent, "create_card", { project_id: DEMO, title }, { key })));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.text)).size).toBe(1);
    // Counted at Tasker, not in cards: the sandbox's external-ref check would hide a second POST.
    expect(postsSince(seq)).toBe(1);
    expect(cardsTitled(title)).toHaveLength(1);
  });

  it("stores the answer before sending it: the record is completed the moment the caller has the answer", async () => {
    const key = freshKey("done");
    const r = await t.call(agent, "create_card", { project_id: DEMO, title: `done ${key}` }, { key });
    expect(r.status, r.text).toBe(200);
    const [rec] = await t.stack.adminSql<{ status: string; response_body: string }[]>`
      SELECT status, response_body FROM idempotency_records WHERE agent_id = ${agent.id} AND idempotency_key = ${key}`;
    expect(rec).toEqual({ status: "completed", response_body: r.text });
  });

  it("answers 409 idempotency_in_progress with Retry-After while another holder's lease is live", async () => {
    const key = freshKey("busy");
    const args = { project_id: DEMO, title: `busy ${key}` };
    await t.stack.adminSql`
      INSERT INTO idempotency_records (agent_id, idempotency_key, tool, request_hash, lease_expires_at, request_id, project_id)
      VALUES (${agent.id}, ${key}, 'create_card', ${requestHash("create_card", args)}, now() + interval '60 seconds', 'other-process', ${DEMO})`;
    const r = await t.call(agent, "create_card", args, { key });
    expect([r.status, r.body.error.code]).toEqual([409, "idempotency_in_progress"]);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(r.body.error.retryable).toBe(true);
  }, 20_000);

  it("takes over a record left in flight by a crashed process once its lease expired, without a second card", async () => {
    const key = freshKey("crash");
    const args = { project_id: DEMO, title: `crash ${key}` };
    // The crashed process claimed the key and created the card, then died before answering.
    const [rec] = await t.stack.adminSql`
      INSERT INTO idempotency_records (agent_id, idempotency_key, tool, request_hash, lease_expires_at, request_id, project_id)
      VALUES (${agent.id}, ${key}, 'create_card', ${requestHash("create_card", args)}, now() - interval '1 second', 'crashed', ${DEMO})
      RETURNING id::text`;
    const res = await fetch(`${t.stack.sandbox.url}/api/v1/workspaces/nodedc/projects/${DEMO}/work-items/`, {
      method: "POST",
      headers: { "X-Api-Key": t.stack.sandbox.keys.service, "Content-Type": "application/json" },
      body: JSON.stringify({ name: args.title, external_source: EXTERNAL_SOURCE, external_id: rec!.id }),
    });
    expect(res.status).toBe(201);
    const r = await t.call(agent, "create_card", args, { key });
    expect(r.status, r.text).toBe(200);
    expect(cardsTitled(args.title)).toHaveLength(1);
  });

  it("Tasker down mid-write → 503 retryable; the retry with the same key yields exactly one card", async () => {
    const key = freshKey("down");
    const title = `down ${key}`;
    t.stack.sandbox.faults.add({ mode: "error", method: "POST", path: /\/work-items\/$/, status: 503, times: 1 });
    const failed = await t.call(agent, "create_card", { project_id: DEMO, title }, { key });
    expect([failed.status, failed.body.error.code, failed.body.error.retryable]).toEqual([503, "tasker_unavailable", true]);
    expect(cardsTitled(title)).toHaveLength(0);
    const retry = await t.call(agent, "create_card", { project_id: DEMO, title }, { key });
    expect(retry.status, retry.text).toBe(200);
    expect(cardsTitled(title)).toHaveLength(1);
    const events = await t.stack.adminSql`SELECT outcome, request_id FROM audit_events WHERE details->>'idempotency_key' = ${key} ORDER BY occurred_at`;
    expect(events.map((e) => e.outcome)).toEqual(["allowed", "failed", "allowed"]);
    expect(events[0]!.request_id).toBe(events[1]!.request_id);
  });

  it("a Tasker answer lost to a timeout (card created anyway) is reconciled: still one card", async () => {
    const key = freshKey("slow");
    const title = `slow ${key}`;
    t.stack.sandbox.faults.add({ mode: "latency", method: "POST", path: /\/work-items\/$/, latencyMs: 2_500, times: 1 });
    const slowDone = slowRequestDone("POST");
    const failed = await t.call(agent, "create_card", { project_id: DEMO, title }, { key });
    expect([failed.status, failed.body.error.code]).toEqual([503, "tasker_unavailable"]);
    await slowDone; // the sandbox finishes the slow create
    expect(cardsTitled(title)).toHaveLength(1);
    const retry = await t.call(agent, "create_card", { project_id: DEMO, title }, { key });
    expect(retry.status, retry.text).toBe(200);
    expect(retry.body.result.card.id).toBe(cardsTitled(title)[0]!.id);
    expect(cardsTitled(title)).toHaveLength(1);
  }, 20_000);

  it("state or label of another project → 422 tasker_rejected, nothing written, key reusable", async () => {
    const seq = t.stack.sandbox.requestLog.lastSeq;
    const key = freshKey();
    const state = await t.call(agent, "create_card", { project_id: DEMO, title: "wrong state", state_id: FIXTURE.states.ops.todo }, { key });
    expect([state.status, state.body.error.code]).toEqual([422, "tasker_rejected"]);
    expect(state.body.error.details.problems[0].field).toBe("state_id");
    const label = await t.call(agent, "create_card", { project_id: DEMO, title: "wrong label", label_ids: [FIXTURE.labels.ops.incident] }, { key: freshKey() });
    expect([label.status, label.body.error.code]).toEqual([422, "tasker_rejected"]);
    expect(label.body.error.message).toContain("label_ids");
    const parent = await t.call(agent, "create_card", { project_id: DEMO, title: "wrong parent", parent_id: FIXTURE.cards.ops1 }, { key: freshKey() });
    expect([parent.status, parent.body.error.code]).toEqual([422, "tasker_rejected"]);
    expect(postsSince(seq)).toBe(0);
    // failures before Tasker are not stored: the same key works for the corrected call
    const fixed = await t.call(agent, "create_card", { project_id: DEMO, title: "right state", state_id: FIXTURE.states.demo.todo }, { key });
    expect(fixed.status).toBe(200);
  });

  it("oversize markdown → 422 validation_failed; oversize body → 413", async () => {
    const big = await t.call(agent, "create_card", { project_id: DEMO, title: "big", description_markdown: "x".repeat(100_001) }, { key: freshKey() });
    expect([big.status, big.body.error.code]).toEqual([422, "validation_failed"]);
    // On its own connection: the server may close it before the whole body is sent.
    const huge = await postOnFreshConnection(`${t.stack.gatewayUrl}/api/v1/tools/create_card`, agent.token, {
      arguments: { project_id: DEMO, title: "huge", description_markdown: "x".repeat(300_000), idempotency_key: freshKey() },
    });
    expect([huge.status, huge.body.error.code]).toEqual([413, "payload_too_large"]);
  });

  it("a revoked token gets no replay", async () => {
    const other = await t.agentWith([{ project: "DEMO", scopes: FULL }], "Revoked Codex");
    const key = freshKey();
    const args = { project_id: DEMO, title: `revoked ${key}` };
    expect((await t.call(other, "create_card", args, { key })).status).toBe(200);
    const revoke = await t.stack.http("POST", routePath(ROUTES.agentTokenRevoke, { agent_id: other.id, token_id: other.tokenId }), { bearer: other.ownerJwt });
    expect(revoke.status).toBeLessThan(300);
    const r = await t.call(other, "create_card", args, { key });
    expect(r.status).toBe(401);
    expect(r.headers.get("idempotent-replayed")).toBeNull();
    expect(r.text).not.toContain("card");
  });
});

describe("update_card, add_comment, report_session", () => {
  it("update_card returns previous values and keeps them in the audit event", async () => {
    const created = await t.call(agent, "create_card", { project_id: DEMO, title: `to update ${freshKey()}`, priority: "low" }, { key: freshKey() });
    const card = created.body.result.card;
    const key = freshKey();
    const r = await t.call(agent, "update_card", {
      project_id: DEMO,
      card_id: card.identifier,
      priority: "urgent",
      state_id: FIXTURE.states.demo.inProgress,
      title: "renamed by agent",
    }, { key });
    expect(r.status, r.text).toBe(200);
    expect(r.body.result.card.priority).toBe("urgent");
    expect(r.body.result.previous.priority).toBe("low");
    expect(r.body.result.previous.state.id).toBe(FIXTURE.states.demo.backlog);
    expect(r.body.result.previous.title).toContain("to update");
    const [event] = await t.stack.adminSql`
      SELECT details FROM audit_events WHERE tool = 'update_card' AND details->>'idempotency_key' = ${key} AND outcome = 'allowed'`;
    expect(event!.details.previous).toMatchObject({ priority: "low", state_id: FIXTURE.states.demo.backlog });
    expect(event!.details.card_id).toBe(card.id);
    const none = await t.call(agent, "update_card", { project_id: DEMO, card_id: card.id }, { key: freshKey() });
    expect([none.status, none.body.error.code]).toEqual([422, "validation_failed"]);
    const other = await t.call(agent, "update_card", { project_id: DEMO, card_id: FIXTURE.cards.ops1, priority: "low" }, { key: freshKey() });
    expect([other.status, other.body.error.code]).toEqual([404, "not_found"]);
  });

  it("update_card retried after a lost answer keeps the previous values of the first attempt", async () => {
    const created = await t.call(agent, "create_card", { project_id: DEMO, title: `retry update ${freshKey()}`, priority: "low" }, { key: freshKey() });
    const card = created.body.result.card;
    const key = freshKey("upd");
    t.stack.sandbox.faults.add({ mode: "latency", method: "PATCH", path: /\/work-items\/[^/]+\/$/, latencyMs: 2_500, times: 1 });
    const slowDone = slowRequestDone("PATCH");
    const failed = await t.call(agent, "update_card", { project_id: DEMO, card_id: card.id, priority: "urgent" }, { key });
    expect([failed.status, failed.body.error.code]).toEqual([503, "tasker_unavailable"]);
    await slowDone; // Tasker applies the slow PATCH meanwhile
    expect(t.stack.sandbox.store.getWorkItem(card.id)!.priority).toBe("urgent");
    const retry = await t.call(agent, "update_card", { project_id: DEMO, card_id: card.id, priority: "urgent" }, { key });
    expect(retry.status, retry.text).toBe(200);
    expect(retry.body.result.previous.priority).toBe("low");
  }, 20_000);

  it("add_comment posts an attributed comment once, even when retried", async () => {
    const key = freshKey();
    const args = { project_id: DEMO, card_id: "DEMO-2", body_markdown: `Looked into it: **${key}**` };
    const r = await t.call(agent, "add_comment", args, { key });
    expect(r.status, r.text).toBe(200);
    expect(r.body.result.comment.via_agent).toBe(true);
    const again = await t.call(agent, "add_comment", args, { key });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const comments = t.stack.sandbox.store.listComments(FIXTURE.cards.demo2).filter((c) => c.commentHtml.includes(key));
    expect(comments).toHaveLength(1);
    expect(comments[0]!.commentHtml).toContain(`on behalf of ${FIXTURE.users.demoOwner.email} (nodedc-tasker)`);
  });

  it("add_comment after Tasker failed mid-write is posted exactly once on retry", async () => {
    const key = freshKey("cdown");
    const args = { project_id: DEMO, card_id: "DEMO-3", body_markdown: `retry me ${key}` };
    t.stack.sandbox.faults.add({ mode: "latency", method: "POST", path: /\/comments\/$/, latencyMs: 2_500, times: 1 });
    const slowDone = slowRequestDone("POST");
    const failed = await t.call(agent, "add_comment", args, { key });
    expect(failed.status).toBe(503);
    await slowDone; // the sandbox posts the slow comment
    const retry = await t.call(agent, "add_comment", args, { key });
    expect(retry.status, retry.text).toBe(200);
    expect(t.stack.sandbox.store.listComments(FIXTURE.cards.demo3).filter((c) => c.commentHtml.includes(key))).toHaveLength(1);
  }, 20_000);

  it("report_session posts a formatted comment and get_card shows the latest session", async () => {
    const first = await t.call(agent, "report_session", { project_id: DEMO, card_id: "DEMO-4", status: "started", summary: "Starting on the flaky test." }, { key: freshKey() });
    expect(first.status, first.text).toBe(200);
    const blocked = await t.call(agent, "report_session", {
      project_id: DEMO, card_id: "DEMO-4", status: "blocked", summary: "Need staging access.", details_markdown: "- tried `make e2e`\n- <b onclick=x>no</b>",
    }, { key: freshKey() });
    expect(blocked.status, blocked.text).toBe(200);
    expect(blocked.body.result.session.status).toBe("blocked");
    const html = t.stack.sandbox.store.listComments(FIXTURE.cards.demo4).map((c) => c.commentHtml).join("\n");
    expect(html).toContain("Agent session: ⛔ Blocked");
    expect(html).not.toContain("onclick");
    const card = await t.call(agent, "get_card", { project_id: DEMO, card: "DEMO-4" });
    expect(card.body.result.sessions).toHaveLength(1);
    expect(card.body.result.sessions[0]).toMatchObject({ agent_id: agent.id, status: "blocked" });
    expect(card.body.result.sessions[0].summary).toContain("Need staging access.");
    const activity = await t.call(agent, "get_recent_activity", { project_id: DEMO });
    const mine = activity.body.result.events.filter((e: { kind: string; agent: { id: string } | null }) => e.kind === "agent_action" && e.agent?.id === agent.id);
    expect(mine.map((e: { tool: string }) => e.tool)).toContain("report_session");
    expect(mine.find((e: { tool: string }) => e.tool === "create_card").card_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
