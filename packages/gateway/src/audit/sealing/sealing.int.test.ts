import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCheckpointListSchema, auditEventProofSchema, auditPublicKeySchema, routePath, ROUTES } from "@nodedc/shared";
import { startTestStack, type TestStack } from "../../testing/test-stack";
import { errorOf, jsonOf } from "../../testing/responses";
import { sqlStateOf, SQLSTATE } from "../../db/errors";
import { canonicalText } from "./canonical-row";
import { leafHash } from "./merkle";
import { checkpointFromJson } from "./checkpoint";
import { verifyInclusion } from "./merkle-proof";
import { sealOnce } from "./sealer";
import { loadSigningKey, parsePublicKey } from "./signing-key";
import { verifyAuditLog } from "./verify";
import { asTamperingSuperuser, canonicalRowOf, writeEvents } from "./testing.test-support";

let stack: TestStack;
const key = loadSigningKey({ value: null, file: null });
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.close();
});

async function sealAll(): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await sealOnce(stack.sql, key, { batchSize: 50 });
    total += r.sealed;
    if (r.sealed === 0) return total;
  }
}

describe("sealing the audit log", () => {
  it("seals queued events into signed, chained checkpoints that verify, with proofs any reader can check", async () => {
    const first = await writeEvents(stack.sql, 7);
    expect((await sealOnce(stack.sql, key)).checkpoint).toMatchObject({ seq: 1 });
    const second = await writeEvents(stack.sql, 120);
    await sealAll();
    const result = await verifyAuditLog(stack.adminSql);
    expect(result).toMatchObject({ valid: true, checkpoints: 4, unsealed_events: 0, keys: "database" });
    expect(await verifyAuditLog(stack.adminSql, { batchSize: 7 })).toEqual(result);
    const sealedCount = result.valid ? result.sealed_events : 0;
    const [count] = await stack.adminSql<{ events: number }[]>`SELECT count(*)::int AS events FROM audit_events`;
    expect(sealedCount).toBe(count!.events);

    const admin = await stack.adminJwt();
    const proofOf = async (id: string) => auditEventProofSchema.parse(await jsonOf(await stack.http("GET", routePath(ROUTES.auditEventProof, { id }), { bearer: admin })));
    for (const id of [first[0]!, first[6]!, second[0]!, second[119]!]) {
      const proof = await proofOf(id);
      const row = await canonicalRowOf(stack.adminSql, id);
      // the database's encoding of the row is exactly the documented JSON, and its hash is the leaf
      expect(row.sqlText).toBe(canonicalText(row.values, row.extra));
      expect(row.jsHash.toString("hex")).toBe(proof.leaf_hash);
      expect(row.sqlHash.toString("hex")).toBe(proof.leaf_hash);
      const root = Buffer.from(proof.checkpoint.root_hash, "hex");
      expect(verifyInclusion(proof.leaf_index, proof.tree_size, Buffer.from(proof.leaf_hash, "hex"), proof.proof.map((p) => Buffer.from(p, "hex")), root)).toBe(true);
      expect(proof.checkpoint.seq).toBe(4);
      expect(proof.sealed_in_checkpoint).toBe(first.includes(id) ? 1 : proof.leaf_index < 57 ? 2 : proof.leaf_index < 107 ? 3 : 4);
    }
  });

  it("answers 404 sealed:false for an unsealed event and hides events of other owners", async () => {
    const [unsealed] = await writeEvents(stack.sql, 1);
    const admin = await stack.adminJwt();
    const pending = await errorOf(await stack.http("GET", routePath(ROUTES.auditEventProof, { id: unsealed! }), { bearer: admin }));
    expect(pending).toMatchObject({ status: 404, code: "not_found", details: { sealed: false } });
    await sealAll();

    const mine = await stack.mintJwt({ sub: "user-sealing" });
    const other = await stack.mintJwt({ sub: "user-someone-else" });
    expect((await stack.http("GET", routePath(ROUTES.auditEventProof, { id: unsealed! }), { bearer: mine })).status).toBe(200);
    const hidden = await errorOf(await stack.http("GET", routePath(ROUTES.auditEventProof, { id: unsealed! }), { bearer: other }));
    expect(hidden).toMatchObject({ status: 404, code: "not_found" });
    expect(hidden.details).toBeUndefined();
    const bad = await errorOf(await stack.http("GET", routePath(ROUTES.auditEventProof, { id: "not-a-uuid" }), { bearer: admin }));
    expect(bad).toMatchObject({ status: 422, code: "validation_failed" });
  });

  it("lists checkpoints newest first to admins only, and publishes the signing key", async () => {
    const admin = await stack.adminJwt();
    const page1 = auditCheckpointListSchema.parse(await jsonOf(await stack.http("GET", `${ROUTES.auditCheckpoints}?limit=2`, { bearer: admin })));
    expect(page1.items.map((c) => c.seq)).toEqual([5, 4]);
    const page2 = auditCheckpointListSchema.parse(await jsonOf(await stack.http("GET", `${ROUTES.auditCheckpoints}?limit=2&cursor=${page1.next_cursor}`, { bearer: admin })));
    expect(page2.items.map((c) => c.seq)).toEqual([3, 2]);
    const page3 = auditCheckpointListSchema.parse(await jsonOf(await stack.http("GET", `${ROUTES.auditCheckpoints}?limit=2&cursor=${page2.next_cursor}`, { bearer: admin })));
    expect(page3).toMatchObject({ items: [{ seq: 1 }], next_cursor: null });

    const owner = await stack.mintJwt({ sub: "user-sealing" });
    expect((await errorOf(await stack.http("GET", ROUTES.auditCheckpoints, { bearer: owner }))).status).toBe(403);
    expect((await errorOf(await stack.http("GET", `${ROUTES.auditCheckpoints}?cursor=nope`, { bearer: admin }))).code).toBe("validation_failed");

    const published = auditPublicKeySchema.parse(await jsonOf(await stack.http("GET", ROUTES.auditPublicKey)));
    expect(parsePublicKey(published.public_key).keyId).toBe(published.key_id);
  });

  it("keeps checkpoints, leaves, nodes and keys append-only for the gateway's own connection", async () => {
    const attempts = [
      () => stack.sql`UPDATE audit_checkpoints SET tree_size = tree_size`,
      () => stack.sql`DELETE FROM audit_leaves`,
      () => stack.sql`DELETE FROM audit_tree_nodes`,
      () => stack.sql`UPDATE audit_signing_keys SET public_key = public_key`,
      () => stack.sql`TRUNCATE audit_checkpoints`,
    ];
    for (const attempt of attempts) expect(sqlStateOf(await attempt().then(() => null, (e: unknown) => e))).toBe(SQLSTATE.insufficientPrivilege);
  });
});

describe("audit:verify finds what a superuser changed", () => {
  const verify = () => verifyAuditLog(stack.adminSql);

  it("names a sealed event whose row was changed, and is intact again once it is put back", async () => {
    const [victim] = await writeEvents(stack.sql, 3, "user-sealing", "changed");
    await sealAll();
    expect((await verify()).valid).toBe(true);
    await asTamperingSuperuser(stack.adminSql, (tx) => tx`UPDATE audit_events SET outcome = 'denied' WHERE id = ${victim!}`);
    expect(await verify()).toMatchObject({ valid: false, first_bad_event_id: victim, reason: "event_changed" });
    await asTamperingSuperuser(stack.adminSql, (tx) => tx`UPDATE audit_events SET details = details || '{"i": 99}' , outcome = 'allowed' WHERE id = ${victim!}`);
    expect(await verify()).toMatchObject({ valid: false, first_bad_event_id: victim, reason: "event_changed" });
    await asTamperingSuperuser(stack.adminSql, (tx) => tx`UPDATE audit_events SET details = details || '{"i": 0}' WHERE id = ${victim!}`);
    expect((await verify()).valid).toBe(true);
  });

  it("names a sealed event that was deleted", async () => {
    const [victim] = await writeEvents(stack.sql, 2, "user-sealing", "deleted");
    await sealAll();
    await asTamperingSuperuser(stack.adminSql, async (tx) => {
      await tx`CREATE TABLE tamper_saved AS SELECT * FROM audit_events WHERE id = ${victim!}`;
      await tx`DELETE FROM audit_events WHERE id = ${victim!}`;
    });
    expect(await verify()).toMatchObject({ valid: false, first_bad_event_id: victim, reason: "event_deleted" });
    // put back byte for byte: a round trip through JS would already change the row (occurred_at has microseconds)
    await asTamperingSuperuser(stack.adminSql, (tx) => tx`INSERT INTO audit_events SELECT * FROM tamper_saved`);
    expect((await verify()).valid).toBe(true);

    // the event and its leaf deleted together: the gap is named by its leaf index, in any range size
    const [leaf] = await stack.adminSql<{ leaf_index: string }[]>`SELECT leaf_index FROM audit_leaves WHERE event_id = ${victim!}`;
    await asTamperingSuperuser(stack.adminSql, async (tx) => {
      await tx`CREATE TABLE tamper_saved_leaf AS SELECT * FROM audit_leaves WHERE event_id = ${victim!}`;
      await tx`DELETE FROM audit_leaves WHERE event_id = ${victim!}`;
      await tx`DELETE FROM audit_events WHERE id = ${victim!}`;
    });
    for (const batchSize of [3, 10_000]) {
      expect(await verifyAuditLog(stack.adminSql, { batchSize })).toMatchObject({ valid: false, reason: "leaf_missing", leaf_index: Number(leaf!.leaf_index) });
    }
    await asTamperingSuperuser(stack.adminSql, async (tx) => {
      await tx`INSERT INTO audit_events SELECT * FROM tamper_saved`;
      await tx`INSERT INTO audit_leaves SELECT * FROM tamper_saved_leaf`;
    });
    expect((await verify()).valid).toBe(true);
  });

  it("catches a row and its leaf rewritten together by the signed root", async () => {
    const [victim] = await writeEvents(stack.sql, 2, "user-sealing", "rewritten");
    await sealAll();
    const { values, extra, jsHash: original } = await canonicalRowOf(stack.adminSql, victim!);
    const rewritten = leafHash(Buffer.from(canonicalText({ ...values, outcome: "failed" }, extra)));
    await asTamperingSuperuser(stack.adminSql, async (tx) => {
      await tx`UPDATE audit_events SET outcome = 'failed' WHERE id = ${victim!}`;
      await tx`UPDATE audit_leaves SET leaf_hash = ${rewritten} WHERE event_id = ${victim!}`;
    });
    expect(await verify()).toMatchObject({ valid: false, reason: "checkpoint_root_mismatch", checkpoint_seq: expect.any(Number) });
    await asTamperingSuperuser(stack.adminSql, async (tx) => {
      await tx`UPDATE audit_events SET outcome = 'allowed' WHERE id = ${victim!}`;
      await tx`UPDATE audit_leaves SET leaf_hash = ${original} WHERE event_id = ${victim!}`;
    });
    expect((await verify()).valid).toBe(true);
  });

  it("names an altered checkpoint, and the sealer refuses to sign on top of it", async () => {
    const [latest] = await stack.adminSql<{ seq: string; root_hash: Buffer }[]>`SELECT seq, root_hash FROM audit_checkpoints ORDER BY seq DESC LIMIT 1`;
    const forged = Buffer.from(latest!.root_hash);
    forged[0] = forged[0]! ^ 0xff;
    await asTamperingSuperuser(stack.adminSql, (tx) => tx`UPDATE audit_checkpoints SET root_hash = ${forged} WHERE seq = ${latest!.seq}`);
    expect(await verify()).toMatchObject({ valid: false, reason: "checkpoint_signature_invalid", checkpoint_seq: Number(latest!.seq) });
    await writeEvents(stack.sql, 1);
    await expect(sealOnce(stack.sql, key)).rejects.toThrow(/does not verify/);
    await asTamperingSuperuser(stack.adminSql, (tx) => tx`UPDATE audit_checkpoints SET root_hash = ${latest!.root_hash} WHERE seq = ${latest!.seq}`);
    await sealAll();
    expect((await verify()).valid).toBe(true);
  });

  it("catches a truncated tail against an exported checkpoint (and only with it)", async () => {
    const before = await verify();
    if (!before.valid || !before.latest_checkpoint) throw new Error("expected an intact, sealed log");
    await writeEvents(stack.sql, 5, "user-sealing", "tail");
    await sealAll();
    const intact = await verify();
    if (!intact.valid || !intact.latest_checkpoint) throw new Error("expected an intact, sealed log");
    const anchor = { checkpoint: checkpointFromJson(intact.latest_checkpoint), key: parsePublicKey(key.publicKeyPem) };
    expect(await verifyAuditLog(stack.adminSql, { anchor })).toMatchObject({ valid: true, anchor_checked: true });

    // the superuser removes the last checkpoint with its events, leaves and nodes
    const size = before.latest_checkpoint.tree_size;
    await asTamperingSuperuser(stack.adminSql, async (tx) => {
      await tx`DELETE FROM audit_events WHERE id IN (SELECT event_id FROM audit_leaves WHERE leaf_index >= ${size})`;
      await tx`DELETE FROM audit_leaves WHERE leaf_index >= ${size}`;
      await tx`DELETE FROM audit_tree_nodes WHERE (node_index + 1) * (2::bigint ^ level)::bigint > ${size}`;
      await tx`DELETE FROM audit_checkpoints WHERE seq > ${before.latest_checkpoint!.seq}`;
    });
    expect((await verify()).valid).toBe(true); // alone, the shortened log is self-consistent
    expect(await verifyAuditLog(stack.adminSql, { anchor })).toMatchObject({ valid: false, reason: "tail_truncated", checkpoint_seq: anchor.checkpoint.seq });
    const otherKey = loadSigningKey({ value: null, file: null });
    expect(await verifyAuditLog(stack.adminSql, { trustedKeys: [parsePublicKey(otherKey.publicKeyPem)] })).toMatchObject({ valid: false, reason: "checkpoint_unknown_key" });
  });
});

describe("whole rows, columns added later included", () => {
  it("keeps old rows verifying after a column is added, seals the new column, and catches a change to it", async () => {
    await sealAll();
    await stack.adminSql`ALTER TABLE audit_events ADD COLUMN client_label text`;
    expect((await verifyAuditLog(stack.adminSql)).valid).toBe(true);
    const [labelled] = await writeEvents(stack.sql, 1, "user-sealing", "labelled");
    await asTamperingSuperuser(stack.adminSql, (tx) => tx`UPDATE audit_events SET client_label = 'codex "cli"' WHERE id = ${labelled!}`);
    await sealAll();
    const row = await canonicalRowOf(stack.adminSql, labelled!);
    expect(row.extra).toEqual(["client_label"]);
    expect(row.sqlText).toBe(canonicalText(row.values, row.extra));
    expect(row.sqlText).toContain('["client_label", "codex \\"cli\\""]');
    expect((await verifyAuditLog(stack.adminSql)).valid).toBe(true);
    await asTamperingSuperuser(stack.adminSql, (tx) => tx`UPDATE audit_events SET client_label = 'someone else' WHERE id = ${labelled!}`);
    expect(await verifyAuditLog(stack.adminSql)).toMatchObject({ valid: false, reason: "event_changed", first_bad_event_id: labelled });
    await asTamperingSuperuser(stack.adminSql, (tx) => tx`UPDATE audit_events SET client_label = 'codex "cli"' WHERE id = ${labelled!}`);
    expect((await verifyAuditLog(stack.adminSql)).valid).toBe(true);
  });
});
