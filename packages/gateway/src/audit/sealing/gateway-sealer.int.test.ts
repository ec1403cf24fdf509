import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { auditPublicKeySchema, ROUTES } from "@nodedc/shared";
import { loadConfig } from "../../config/config";
import { startGateway, type RunningGateway } from "../../start-gateway";
import { createIsolatedDatabase, type IsolatedDatabase } from "../../testing/isolated-database";
import { parseSigningKey } from "./signing-key";
import { writeEvents } from "./testing.test-support";

const signingKey = randomBytes(32).toString("base64");
let db: IsolatedDatabase;
let gateway: RunningGateway;
beforeAll(async () => {
  db = await createIsolatedDatabase();
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    DATABASE_URL: db.url,
    TASKER_API_URL: "http://127.0.0.1:9",
    TASKER_API_KEY: "plane_api_sealing_test_service_key",
    LAUNCHER_JWT_SECRET: randomBytes(32).toString("base64url"),
    TOKEN_PEPPER: randomBytes(32).toString("base64url"),
    AUDIT_SIGNING_KEY: signingKey,
    AUDIT_SEAL_INTERVAL_S: "1",
  });
  gateway = await startGateway(config, pino({ level: "silent" }));
});
afterAll(async () => {
  await gateway?.close();
  await db?.close();
});

describe("the gateway's own sealer", () => {
  it("seals events within seconds with AUDIT_SEAL_INTERVAL_S=1, signed by AUDIT_SIGNING_KEY, whose public half it publishes", async () => {
    const [id] = await writeEvents(gateway.db.sql, 1, "user-sealing", "gateway");
    await expect
      .poll(async () => (await gateway.db.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM audit_leaves WHERE event_id = ${id!}`)[0]!.n, { timeout: 10_000, interval: 100 })
      .toBe(1);
    const published = auditPublicKeySchema.parse(await (await fetch(`${gateway.url}${ROUTES.auditPublicKey}`)).json());
    const [checkpoint] = await gateway.db.sql<{ key_id: string }[]>`SELECT key_id FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`;
    expect(published.key_id).toBe(parseSigningKey(signingKey).keyId);
    expect(checkpoint!.key_id).toBe(published.key_id);
    const [known] = await gateway.db.sql<{ public_key: string }[]>`SELECT public_key FROM audit_signing_keys WHERE key_id = ${published.key_id}`;
    expect(known!.public_key).toBe(published.public_key);
  });
});
