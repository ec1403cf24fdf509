import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { normalizePairingCode, routePath, ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../src/testing/test-stack";
import { jsonOf } from "../src/testing/responses";

/** DESIGN §9 rule 3 (database and log part): after a full flow, no token or pairing code in clear. */
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

describe("tokens and pairing codes exist only as hashes at rest", () => {
  it("leaves none in any table or log line after a full flow", async () => {
    const secrets: string[] = [];
    const client = { name: "nodedc-tasker", version: "0.1.0", platform: "linux" };
    const { agent, ownerJwt } = await stack.createAgent("demo.owner@nodedc.local", "secret keeper");
    await stack.grant(agent.id, "DEMO", ["cards:read", "cards:write"]);

    const issued = await stack.issueToken(agent.id, { name: "issued" });
    secrets.push(issued.token);
    const code = await stack.pairingCode(agent.id);
    secrets.push(code);
    const paired = await jsonOf(await stack.http("POST", ROUTES.pairingExchange, { body: { code, device_name: "dev", client } }));
    secrets.push(paired.token);
    const unused = await stack.pairingCode(agent.id);
    secrets.push(unused);

    await stack.http("GET", ROUTES.agentSession, { bearer: paired.token });
    // rotation: a replayed successor, one superseded, one left unused (its sealed copy stays
    // in the database), and a chain that ends by reuse after rotation
    const rotate = (bearer: string, key: string) => stack.http("POST", ROUTES.agentSessionRotate, { bearer, headers: { "Idempotency-Key": key } });
    const first = await jsonOf(await rotate(paired.token, "secrets-at-rest-1"));
    expect((await jsonOf(await rotate(paired.token, "secrets-at-rest-1"))).token).toBe(first.token);
    const pending = await jsonOf(await rotate(paired.token, "secrets-at-rest-2"));
    secrets.push(first.token, pending.token);
    const chained = await stack.issueToken(agent.id, { name: "chained" });
    const successor = await jsonOf(await rotate(chained.token, "secrets-at-rest-3"));
    secrets.push(chained.token, successor.token);
    await stack.http("GET", ROUTES.agentSession, { bearer: successor.token });
    await stack.http("GET", ROUTES.agentSession, { bearer: chained.token });
    expect((await stack.http("GET", ROUTES.agentSession, { bearer: successor.token })).status).toBe(401);
    const [sealed] = await stack.adminSql`SELECT rotation_replay FROM agent_tokens WHERE id = ${pending.token_id}`;
    expect(sealed!.rotation_replay).not.toBeNull(); // the dump below really holds a sealed successor
    await stack.http("POST", routePath(ROUTES.tool, { name: "whoami" }), { bearer: paired.token, body: { arguments: {} } });
    await stack.http("POST", ROUTES.pairingExchange, { body: { code, device_name: "replay", client } });
    await stack.http("GET", ROUTES.agents, { bearer: issued.token });
    await stack.http("POST", ROUTES.agentSessionRevoke, { bearer: issued.token, body: {} });
    await stack.http("GET", ROUTES.agentSession, { bearer: issued.token });
    await stack.http("PATCH", routePath(ROUTES.agent, { agent_id: agent.id }), { bearer: ownerJwt, body: { status: "paused" } });
    await stack.http("GET", ROUTES.agentSession, { bearer: paired.token });

    const needles = new Set<string>();
    for (const s of secrets) {
      needles.add(s);
      if (s.startsWith("ndca_")) needles.add(s.slice(5, 45)); // the random part
      const canonical = normalizePairingCode(s);
      if (canonical) {
        needles.add(canonical);
        needles.add(canonical.toLowerCase());
      }
    }
    expect(needles.size).toBeGreaterThanOrEqual(16);

    const tables = await stack.adminSql<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(["agent_tokens", "pairing_codes", "audit_events", "owners", "agents", "grants"]));
    let dump = "";
    for (const { table_name } of tables) {
      const rows = await stack.adminSql.unsafe(`SELECT row_to_json(t)::text AS j FROM "${table_name}" t`);
      dump += rows.map((r) => r.j).join("\n");
    }
    expect(dump).toContain(agent.id); // the dump is real
    for (const needle of needles) expect(dump.includes(needle), `database holds ${needle.slice(0, 6)}…`).toBe(false);

    const logs = stack.logs.join("");
    expect(logs.length).toBeGreaterThan(0);
    for (const needle of needles) expect(logs.includes(needle), `logs hold ${needle.slice(0, 6)}…`).toBe(false);
  });
});
