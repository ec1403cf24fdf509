import { createHmac } from "node:crypto";

/**
 * Secrets at rest (DESIGN §5, §9 rule 3): an agent token is stored only as
 * HMAC-SHA256(TOKEN_PEPPER, token); a pairing code as HMAC-SHA256(TOKEN_PEPPER,
 * "pairing-code:" + normalised code). Without the pepper a database dump cannot even be
 * used to test guesses.
 */
export function hashAgentToken(pepper: string, token: string): Buffer {
  return createHmac("sha256", pepper).update(token).digest();
}

export function hashPairingCode(pepper: string, normalisedCode: string): Buffer {
  return createHmac("sha256", pepper).update(`pairing-code:${normalisedCode}`).digest();
}
