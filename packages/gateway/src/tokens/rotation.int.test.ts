import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { routePath, ROUTES, rotateTokenResponseSchema, tokenListSchema, type TokenMeta } from "@nodedc/shared";
import { startToolStack, type ToolAgent, type ToolStack } from "../tools/testing/tool-stack.test-support";
import { errorOf, jsonOf } from "../testing/responses";

/** Token rotation against the real gateway and database (DESIGN §14). */
let t: ToolStack;
beforeAll(async () => {
  // TRUST_PROXY: the tests speak for several clients through X-Forwarded-For
  t = await startToolStack({ env: { TRUST_PROXY: "true" } });
});
afterAll(async () => {
  await t?.stack.close();
});

const key = () => `rotate-${randomUUID()}`;

const LAPTOP = { "X-Forwarded-For": "198.51.100.7" };
const THIEF = { "X-Forwarded-For": "203.0.113.9", "User-Agent": "thief/1.0" };

async function rotate(token: string, idempotencyKey: string | null = key(), body: unknown = undefined) {
  return t.stack.http("POST", ROUTES.agentSessionRotate, {
    bearer: token,
    ...(body === undefined ? {} : { body }),
    headers: { ...LAPTOP, ...(idempotencyKey === null ? {} : { "Idempotency-Key": idempotencyKey }) },
  });
}

async function rotated(token: string, idempotencyKey = key()) {
  const res = await rotate(token, idempotencyKey);
  expect(res.status, await res.clone().text()).toBe(201);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return { ...rotateTokenResponseSchema.parse(await res.json()), replayed: res.headers.get("idempotent-replayed") === "true" };
}

const sessionStatus = async (token: string) => (await t.stack.http("GET", ROUTES.agentSession, { bearer: token })).status;

async function tokensOf(a: ToolAgent): Promise<Map<string, TokenMeta>> {
  const res = await t.stack.http("GET", routePath(ROUTES.agentTokens, { agent_id: a.id }), { bearer: a.ownerJwt });
  const list = tokenListSchema.parse(await res.json());
  return new Map(list.items.map((item) => [item.id, item]));
}

async function auditOf(a: ToolAgent, action: string) {
  const res = await t.stack.http("GET", `${ROUTES.auditEvents}?agent_id=${a.id}&action=${action}`, { bearer: a.ownerJwt });
  return (await jsonOf(res)).items as { token_id: string; outcome: string; details: Record<string, any> }[];
}

const agent = (name: string) => t.agentWith([{ project: "DEMO", scopes: ["cards:read"] }], name);

describe("POST /agent-session/rotate", () => {
  it("keeps the old token working until the successor is first used, then refuses it and revokes the chain", async () => {
    const a = await agent("rotation grace");
    const next = await rotated(a.token);
    expect(next.replaces_token_id).toBe(a.tokenId);
    expect(next.token).not.toBe(a.token);

    // grace: both work while the successor is unused; using the old one is no first use
    expect(await sessionStatus(a.token)).toBe(200);
    expect((await t.call(a, "whoami", {})).status).toBe(200);
    let list = await tokensOf(a);
    expect(list.get(a.tokenId)?.status).toBe("active");
    expect(list.get(next.token_id)).toMatchObject({ status: "active", replaces_token_id: a.tokenId });

    // first use of the successor retires the old token
    expect((await t.call(next.token, "whoami", {}, { headers: LAPTOP })).status).toBe(200);
    list = await tokensOf(a);
    expect(list.get(a.tokenId)).toMatchObject({ status: "rotated", replaces_token_id: null });
    expect(list.get(a.tokenId)?.rotated_at).not.toBeNull();
    expect(list.get(next.token_id)?.status).toBe("active");

    // presenting the old token now is a reuse: 401, and the whole chain ends
    const reuse = await errorOf(await t.stack.http("GET", ROUTES.agentSession, { bearer: a.token, headers: THIEF }));
    expect([reuse.status, reuse.code]).toEqual([401, "unauthenticated"]);
    expect(await sessionStatus(next.token)).toBe(401);
    expect((await t.call(next.token, "whoami", {})).status).toBe(401);
    list = await tokensOf(a);
    expect([list.get(a.tokenId)?.status, list.get(next.token_id)?.status]).toEqual(["revoked", "revoked"]);

    const events = await auditOf(a, "token.reuse_after_rotation");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ token_id: a.tokenId, outcome: "denied" });
    expect(events[0]!.details.revoked_token_ids.sort()).toEqual([a.tokenId, next.token_id].sort());
    expect(events[0]!.details.presented_user_agent).toBe("thief/1.0");
    expect(events[0]!.details.presented_from_ip).toBe("203.0.113.9");
    expect(events[0]!.details.ips.sort()).toEqual(["198.51.100.7", "203.0.113.9"]);
    const successor = events[0]!.details.chain.find((x: any) => x.token_id === next.token_id);
    expect(successor).toMatchObject({ first_used_from_ip: "198.51.100.7", rotation_requested_from_ip: "198.51.100.7", device_name: null });
    // presenting it again changes nothing more
    expect(await sessionStatus(a.token)).toBe(401);
    expect(await auditOf(a, "token.reuse_after_rotation")).toHaveLength(1);
  });

  it("refuses a cached old token on the very next tool call after the successor is used (hard rule 5)", async () => {
    const a = await agent("rotation cache");
    for (let i = 0; i < 3; i++) expect((await t.call(a, "whoami", {})).status).toBe(200); // warm the auth cache
    const next = await rotated(a.token);
    expect((await t.call(a, "whoami", {})).status).toBe(200);
    expect((await t.call(next.token, "whoami", {})).status).toBe(200);
    const refused = await t.call(a, "whoami", {});
    expect([refused.status, refused.body.error.code]).toEqual([401, "unauthenticated"]);
    // ...and the reuse ended the successor too, on its very next call
    expect((await t.call(next.token, "whoami", {})).status).toBe(401);
  });

  it("gives a client that lost the answer the same successor on a retry, and only one unused successor ever", async () => {
    const a = await agent("rotation retry");
    const k = key();
    const first = await rotated(a.token, k);
    const retry = await rotated(a.token, k);
    expect(retry).toMatchObject({ token: first.token, token_id: first.token_id, replayed: true });
    expect(first.replayed).toBe(false);

    // concurrent retries of the same rotation all get that one successor
    const parallel = await Promise.all(Array.from({ length: 8 }, () => rotated(a.token, k)));
    expect(new Set(parallel.map((p) => p.token_id))).toEqual(new Set([first.token_id]));

    // a rotation with another key supersedes the unused successor
    const other = await rotated(a.token);
    expect(other.token_id).not.toBe(first.token_id);
    expect(await sessionStatus(first.token)).toBe(401);
    const live = await t.stack.adminSql`SELECT id FROM agent_tokens WHERE replaces_token_id = ${a.tokenId} AND revoked_at IS NULL`;
    expect(live.map((r) => r.id)).toEqual([other.token_id]);
    expect((await tokensOf(a)).get(first.token_id)?.status).toBe("revoked");

    // the old token still works (nothing used the live successor yet), then the successor does
    expect(await sessionStatus(a.token)).toBe(200);
    expect(await sessionStatus(other.token)).toBe(200);
    expect((await tokensOf(a)).get(a.tokenId)?.status).toBe("rotated");
    // the sealed copy is gone once the successor is in use
    const [row] = await t.stack.adminSql`SELECT rotation_replay FROM agent_tokens WHERE id = ${other.token_id}`;
    expect(row!.rotation_replay).toBeNull();
  });

  it("lets a client revoke an unused successor with the successor itself and keep the old token", async () => {
    const a = await agent("rotation undo");
    const next = await rotated(a.token);
    const res = await t.stack.http("POST", ROUTES.agentSessionRevoke, { bearer: next.token, body: {} });
    expect(res.status).toBe(200);
    expect(await sessionStatus(next.token)).toBe(401);
    expect(await sessionStatus(a.token)).toBe(200);
    const list = await tokensOf(a);
    expect([list.get(a.tokenId)?.status, list.get(next.token_id)?.status]).toEqual(["active", "revoked"]);
    // and it can rotate again later
    const again = await rotated(a.token);
    expect(await sessionStatus(again.token)).toBe(200);
  });

  it("keeps agent, name, device, client and the lifetime; the chain is linked newest to oldest", async () => {
    const { agent: created, ownerJwt } = await t.stack.createAgent("demo.owner@nodedc.local", "rotation keeps");
    const code = await t.stack.pairingCode(created.id);
    const client = { name: "nodedc-tasker", version: "0.1.0", platform: "linux" };
    const paired = await jsonOf(await t.stack.http("POST", ROUTES.pairingExchange, { body: { code, device_name: "anna-laptop", client } }));
    const a: ToolAgent = { id: created.id, token: paired.token, tokenId: paired.token_id, ownerJwt };
    const second = await rotated(a.token);
    expect(await sessionStatus(second.token)).toBe(200);
    const third = await rotated(second.token);
    expect(third.replaces_token_id).toBe(second.token_id);
    const list = await tokensOf(a);
    const [p, s, n] = [list.get(a.tokenId)!, list.get(second.token_id)!, list.get(third.token_id)!];
    for (const x of [s, n]) expect({ agent_id: x.agent_id, device_name: x.device_name, client: x.client, name: x.name }).toEqual({ agent_id: p.agent_id, device_name: "anna-laptop", client, name: p.name });
    const life = (m: TokenMeta) => Date.parse(m.expires_at!) - Date.parse(m.created_at);
    expect(Math.abs(life(s) - life(p))).toBeLessThan(5_000);
    expect([p.status, s.status, n.status]).toEqual(["rotated", "active", "active"]);
    expect(s.replaces_token_id).toBe(p.id);

    const issued = await t.stack.issueToken(created.id, { expires_in_days: 7 });
    const short = await rotated(issued.token);
    const days = (Date.parse(short.expires_at!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThan(7.01);
  });

  it("answers bad requests with stable 4xx codes", async () => {
    const a = await agent("rotation input");
    const missing = await errorOf(await rotate(a.token, null));
    expect([missing.status, missing.code]).toEqual([400, "idempotency_key_required"]);
    const invalid = await errorOf(await rotate(a.token, "short"));
    expect([invalid.status, invalid.code]).toEqual([400, "idempotency_key_invalid"]);
    const extra = await errorOf(await rotate(a.token, key(), { expires_in_days: 1 }));
    expect([extra.status, extra.code]).toEqual([422, "validation_failed"]);
    const jwt = await errorOf(await rotate(a.ownerJwt));
    expect([jwt.status, jwt.code]).toEqual([401, "unauthenticated"]);
    expect((await rotate(a.token, key(), {})).status).toBe(201);
  });

  it("audits every rotation without a secret", async () => {
    const a = await agent("rotation audit");
    const next = await rotated(a.token);
    const events = await auditOf(a, "token.rotate");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ token_id: a.tokenId, outcome: "allowed", details: { successor_token_id: next.token_id } });
    expect(JSON.stringify(events)).not.toContain(next.token.slice(5, 45));
  });
});
