import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/**
 * The Ed25519 key that signs checkpoints. `AUDIT_SIGNING_KEY` holds either a PKCS#8 PEM
 * (`openssl genpkey -algorithm ed25519`) or the base64 of the raw 32-byte seed. The key id
 * is the first 16 hex digits of SHA-256 over the raw 32-byte public key, so it names the
 * key itself and rotating keys needs no registry beyond the public keys table.
 */
export interface SigningKey {
  keyId: string;
  /** SPKI PEM, as published at /audit-checkpoints/public-key. */
  publicKeyPem: string;
  sign(message: Uint8Array): Buffer;
}

export interface PublicKey {
  keyId: string;
  publicKeyPem: string;
  key: KeyObject;
}

/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export class SigningKeyError extends Error {}

export function parseSigningKey(value: string): SigningKey {
  const text = value.trim();
  let key: KeyObject;
  try {
    if (text.startsWith("-----BEGIN")) key = createPrivateKey(text);
    else {
      const seed = Buffer.from(text, "base64");
      if (seed.length !== 32 || seed.toString("base64").replace(/=+$/, "") !== text.replace(/=+$/, "")) throw new SigningKeyError("not 32 bytes of base64");
      if (seed.every((b) => b === seed[0])) throw new SigningKeyError("a seed of one repeated byte is a placeholder");
      key = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
    }
  } catch (error) {
    const why = error instanceof SigningKeyError ? error.message : "not a PEM private key";
    throw new SigningKeyError(`AUDIT_SIGNING_KEY must be an Ed25519 PKCS#8 PEM or the base64 of a 32-byte seed (${why})`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new SigningKeyError(`AUDIT_SIGNING_KEY must be an Ed25519 key, not ${key.asymmetricKeyType}`);
  return signingKeyOf(key);
}

function signingKeyOf(privateKey: KeyObject): SigningKey {
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    sign: (message) => sign(null, message, privateKey),
  };
}

export function keyIdOf(publicKey: KeyObject): string {
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  return createHash("sha256").update(raw).digest("hex").slice(0, 16);
}

/** A public key from SPKI PEM or the base64 of the raw 32 bytes. */
export function parsePublicKey(value: string): PublicKey {
  const text = value.trim();
  const key = text.startsWith("-----BEGIN")
    ? createPublicKey(text)
    : createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), Buffer.from(text, "base64")]), format: "der", type: "spki" });
  if (key.asymmetricKeyType !== "ed25519") throw new SigningKeyError(`not an Ed25519 public key: ${key.asymmetricKeyType}`);
  return { keyId: keyIdOf(key), publicKeyPem: key.export({ type: "spki", format: "pem" }).toString(), key };
}

export function verifySignature(key: PublicKey, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(null, message, key.key, signature);
  } catch {
    return false;
  }
}

/**
 * Where the signing key comes from: the env value, else (outside production) a key file
 * created once and kept (sandbox mode: `.data/audit-signing-key.pem`), else a key that
 * lives as long as the process (in-memory databases of tests).
 */
export function loadSigningKey(source: { value: string | null; file: string | null }): SigningKey {
  if (source.value) return parseSigningKey(source.value);
  if (source.file) return signingKeyOf(createPrivateKey(readOrCreateKeyFile(source.file)));
  return signingKeyOf(generateKeyPairSync("ed25519").privateKey);
}

function readOrCreateKeyFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  try {
    // wx: two processes starting together keep whichever key was written first
    writeFileSync(path, pem, { mode: 0o600, flag: "wx" });
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(path, "utf8");
    throw error;
  }
}
