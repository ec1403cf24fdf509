import { generateKeyPairSync, verify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkpointHash, checkpointMessage, checkpointSignatureValid, GENESIS_HASH, type Checkpoint } from "./checkpoint";
import { loadSigningKey, parsePublicKey, parseSigningKey, SigningKeyError } from "./signing-key";

const dir = mkdtempSync(join(tmpdir(), "signing-key-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();

describe("AUDIT_SIGNING_KEY", () => {
  it("takes a PKCS#8 PEM or the base64 of its 32-byte seed, and both name the same key", () => {
    const fromPem = parseSigningKey(pem);
    const der = generateKeyPairSync("ed25519").privateKey;
    const seed = der.export({ type: "pkcs8", format: "der" }).subarray(-32).toString("base64");
    const fromSeed = parseSigningKey(seed);
    expect(fromSeed.keyId).toBe(parseSigningKey(der.export({ type: "pkcs8", format: "pem" }).toString()).keyId);
    expect(fromPem.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(parsePublicKey(fromPem.publicKeyPem).keyId).toBe(fromPem.keyId);
    const message = Buffer.from("hello");
    expect(verify(null, message, parsePublicKey(fromPem.publicKeyPem).key, fromPem.sign(message))).toBe(true);
  });

  it("refuses what is not an Ed25519 key, without echoing it", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    for (const bad of ["c2hvcnQ=", "not base64 at all!", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", rsa, Buffer.alloc(32, 7).toString("base64")]) {
      let error: unknown;
      try {
        parseSigningKey(bad);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SigningKeyError);
      expect((error as Error).message).not.toContain(bad.slice(0, 12));
    }
  });

  it("creates the sandbox key file once (0600) and keeps using it", () => {
    const file = join(dir, "sub", "audit-signing-key.pem");
    const first = loadSigningKey({ value: null, file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toMatch(/BEGIN PRIVATE KEY/);
    expect(loadSigningKey({ value: null, file }).keyId).toBe(first.keyId);
    expect(loadSigningKey({ value: pem, file }).keyId).toBe(parseSigningKey(pem).keyId);
    expect(loadSigningKey({ value: null, file: null }).keyId).not.toBe(loadSigningKey({ value: null, file: null }).keyId);
  });
});

describe("checkpoint signatures", () => {
  const key = parseSigningKey(pem);
  const unsigned = { seq: 3, treeSize: 10, rootHash: Buffer.alloc(32, 1), prevCheckpointHash: GENESIS_HASH, sealedAt: new Date("2026-12-01T10:00:00.123Z"), keyId: key.keyId };
  const signed: Checkpoint = { ...unsigned, signature: key.sign(checkpointMessage(unsigned)) };

  it("signs a line-per-field text and fails on any changed field or another key", () => {
    expect(checkpointMessage(unsigned).toString()).toBe(
      `nodedc-tasker audit checkpoint v1\nseq 3\ntree_size 10\nroot_hash ${"01".repeat(32)}\nprev_checkpoint_hash ${"00".repeat(32)}\nsealed_at 2026-12-01T10:00:00.123Z\nkey_id ${key.keyId}\n`,
    );
    const pub = parsePublicKey(key.publicKeyPem);
    expect(checkpointSignatureValid(signed, pub)).toBe(true);
    for (const change of [{ seq: 4 }, { treeSize: 11 }, { rootHash: Buffer.alloc(32, 2) }, { prevCheckpointHash: Buffer.alloc(32, 3) }, { sealedAt: new Date("2026-12-01T10:00:00.124Z") }]) {
      expect(checkpointSignatureValid({ ...signed, ...change }, pub)).toBe(false);
    }
    const other = parsePublicKey(loadSigningKey({ value: null, file: null }).publicKeyPem);
    expect(checkpointSignatureValid({ ...signed, keyId: other.keyId }, other)).toBe(false);
    expect(checkpointSignatureValid(signed, undefined)).toBe(false);
  });

  it("chains by the hash of the signed text and the signature", () => {
    const again: Checkpoint = { ...signed, signature: Buffer.from(signed.signature) };
    expect(checkpointHash(again).equals(checkpointHash(signed))).toBe(true);
    again.signature[0] = again.signature[0]! ^ 1;
    expect(checkpointHash(again).equals(checkpointHash(signed))).toBe(false);
  });
});
