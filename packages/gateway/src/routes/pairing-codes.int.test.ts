import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pairingCodeSchema, pairingCodeStatusItemSchema, pairingCodeStatusListSchema, routePath, ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../testing/test-stack";
import { errorOf, jsonOf } from "../testing/responses";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

const OWNER = "demo.owner@nodedc.local";
const client = { name: "codex", version: "0.169.0", platform: "linux" };

async function exchange(code: string, device: string): Promise<Response> {
  return stack.http("POST", ROUTES.pairingExchange, { body: { code, device_name: device, client } });
}

describe("pairing status (DESIGN §14)", () => {
  it("create answers an id; the list shows pending, used (with device, client, token) and expired, never the code", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "status");
    const path = routePath(ROUTES.agentPairingCodes, { agent_id: agent.id });
    const first = pairingCodeSchema.parse(await jsonOf(await stack.http("POST", path, { bearer: ownerJwt, body: {} })));
    const second = pairingCodeSchema.parse(await jsonOf(await stack.http("POST", path, { bearer: ownerJwt, body: {} })));
    const exchanged = await exchange(first.code, "anna-laptop");
    expect(exchanged.status).toBe(201);
    const { token_id } = (await exchanged.json()) as { token_id: string };
    await stack.adminSql`UPDATE pairing_codes SET expires_at = now() - interval '1 second', created_at = created_at - interval '1 minute' WHERE id = ${second.id}`;
    const third = pairingCodeSchema.parse(await jsonOf(await stack.http("POST", path, { bearer: ownerJwt, body: {} })));

    const res = await stack.http("GET", path, { bearer: ownerJwt });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    for (const c of [first, second, third]) expect(text).not.toContain(c.code.replace("-", ""));
    for (const c of [first, second, third]) expect(text).not.toContain(c.code);
    const list = pairingCodeStatusListSchema.parse(JSON.parse(text));
    const byId = new Map(list.items.map((i) => [i.id, i]));
    expect(byId.get(first.id)).toMatchObject({ status: "used", device_name: "anna-laptop", client, token_id });
    expect(byId.get(first.id)!.used_at).not.toBeNull();
    expect(byId.get(second.id)).toMatchObject({ status: "expired", device_name: null, token_id: null, used_at: null });
    expect(byId.get(third.id)).toMatchObject({ status: "pending" });
    expect(list.items[0]!.id).toBe(third.id); // newest first
  });

  it("pages by cursor without repeating or skipping a code", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "paging");
    const path = routePath(ROUTES.agentPairingCodes, { agent_id: agent.id });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(pairingCodeSchema.parse(await jsonOf(await stack.http("POST", path, { bearer: ownerJwt, body: {} }))).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = pairingCodeStatusListSchema.parse(await jsonOf(await stack.http("GET", `${path}?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { bearer: ownerJwt })));
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    expect((await errorOf(await stack.http("GET", `${path}?cursor=nonsense`, { bearer: ownerJwt }))).code).toBe("validation_failed");
  });

  it("a cancelled code can no longer be exchanged; a used one cannot be cancelled; cancel is audited", async () => {
    const { agent, ownerJwt, ownerUserId } = await stack.createAgent(OWNER, "cancel");
    const path = routePath(ROUTES.agentPairingCodes, { agent_id: agent.id });
    const pending = pairingCodeSchema.parse(await jsonOf(await stack.http("POST", path, { bearer: ownerJwt, body: {} })));
    const cancelPath = routePath(ROUTES.agentPairingCodeCancel, { agent_id: agent.id, code_id: pending.id });
    const cancelled = pairingCodeStatusItemSchema.parse(await jsonOf(await stack.http("POST", cancelPath, { bearer: ownerJwt, body: {} })));
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.cancelled_at).not.toBeNull();
    expect((await errorOf(await exchange(pending.code, "late"))).code).toBe("pairing_code_invalid");
    // cancelling twice answers the same cancelled state
    expect((await jsonOf(await stack.http("POST", cancelPath, { bearer: ownerJwt, body: {} }))).status).toBe("cancelled");

    const used = pairingCodeSchema.parse(await jsonOf(await stack.http("POST", path, { bearer: ownerJwt, body: {} })));
    expect((await exchange(used.code, "dev")).status).toBe(201);
    const refused = await errorOf(await stack.http("POST", routePath(ROUTES.agentPairingCodeCancel, { agent_id: agent.id, code_id: used.id }), { bearer: ownerJwt, body: {} }));
    expect([refused.status, refused.code]).toEqual([422, "validation_failed"]);

    const events = await stack.adminSql<{ actor_user_id: string; details: { pairing_code_id: string } }[]>`
      SELECT actor_user_id, details FROM audit_events WHERE action = 'pairing_code.cancel' AND agent_id = ${agent.id}`;
    expect(events).toEqual([{ actor_user_id: ownerUserId, details: { pairing_code_id: pending.id } }]);
  });

  it("another owner gets 404 for the list and the cancel; unknown and malformed ids are 404", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "private");
    const code = pairingCodeSchema.parse(await jsonOf(await stack.http("POST", routePath(ROUTES.agentPairingCodes, { agent_id: agent.id }), { bearer: ownerJwt, body: {} })));
    const attacker = await stack.mintJwt({ sub: "attacker", email: "attacker@example.test" });
    const list = await errorOf(await stack.http("GET", routePath(ROUTES.agentPairingCodes, { agent_id: agent.id }), { bearer: attacker }));
    expect([list.status, list.code]).toEqual([404, "not_found"]);
    const cancel = await errorOf(await stack.http("POST", routePath(ROUTES.agentPairingCodeCancel, { agent_id: agent.id, code_id: code.id }), { bearer: attacker, body: {} }));
    expect([cancel.status, cancel.code]).toEqual([404, "not_found"]);
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      const res = await errorOf(await stack.http("POST", routePath(ROUTES.agentPairingCodeCancel, { agent_id: agent.id, code_id: id }), { bearer: ownerJwt, body: {} }));
      expect([res.status, res.code]).toEqual([404, "not_found"]);
    }
    // still pending: the refused attempts changed nothing
    const mine = pairingCodeStatusListSchema.parse(await jsonOf(await stack.http("GET", routePath(ROUTES.agentPairingCodes, { agent_id: agent.id }), { bearer: ownerJwt })));
    expect(mine.items.map((i) => i.status)).toEqual(["pending"]);
  });

  it("exchange racing a cancel: exactly one of them wins", async () => {
    const { agent, ownerJwt } = await stack.createAgent(OWNER, "race");
    const code = pairingCodeSchema.parse(await jsonOf(await stack.http("POST", routePath(ROUTES.agentPairingCodes, { agent_id: agent.id }), { bearer: ownerJwt, body: {} })));
    const [ex, cancel] = await Promise.all([
      exchange(code.code, "racer"),
      stack.http("POST", routePath(ROUTES.agentPairingCodeCancel, { agent_id: agent.id, code_id: code.id }), { bearer: ownerJwt, body: {} }),
    ]);
    const wins = [ex.status === 201, cancel.status === 200].filter(Boolean).length;
    expect(wins).toBe(1);
  });
});
