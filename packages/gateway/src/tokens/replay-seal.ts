import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

/**
 * The rotation successor kept for a retry whose answer was lost, sealed so that only the
 * holder of the PREDECESSOR token can open it. The key is HKDF-SHA256 of the predecessor
 * token itself (never stored: the database keeps only HMAC(TOKEN_PEPPER, token), a
 * different derivation that reveals nothing about this key) with a random salt, and the
 * successor is encrypted with AES-256-GCM, its token id as associated data so a sealed
 * value cannot be moved to another row. A database dump, even with TOKEN_PEPPER, opens
 * nothing; the caller that presents the old token on a retry gets exactly what it could
 * have asked for anyway (a successor of its own token).
 *
 * Layout: version (1 byte) ‖ salt (16) ‖ iv (12) ‖ tag (16) ‖ ciphertext.
 */
const VERSION = 1;
const INFO = Buffer.from("nodedc-tasker rotation replay v1");

function keyFor(predecessorToken: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(predecessorToken, "utf8"), salt, INFO, 32));
}

export function sealSuccessor(predecessorToken: string, successorTokenId: string, successorToken: string): Buffer {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(predecessorToken, salt), iv);
  cipher.setAAD(Buffer.from(successorTokenId, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(successorToken, "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), salt, iv, cipher.getAuthTag(), ciphertext]);
}

/** The successor token, or null when the seal does not open with this predecessor token. */
export function openSuccessor(predecessorToken: string, successorTokenId: string, sealed: Buffer): string | null {
  if (sealed.length < 1 + 16 + 12 + 16 + 1 || sealed[0] !== VERSION) return null;
  const salt = sealed.subarray(1, 17);
  const iv = sealed.subarray(17, 29);
  const tag = sealed.subarray(29, 45);
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(predecessorToken, salt), iv);
    decipher.setAAD(Buffer.from(successorTokenId, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(45)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
