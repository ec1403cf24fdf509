import { crc32 } from "./crc32";

/**
 * Agent token (DESIGN §5): `ndca_` + 40 base62 chars from a CSPRNG + 6 base62 chars of
 * CRC32 over the random part. The checksum lets the gateway reject typos and garbage
 * before touching the database, and lets secret scanners recognise our tokens.
 */
export const AGENT_TOKEN_PREFIX = "ndca_";
export const AGENT_TOKEN_RANDOM_LENGTH = 40;
export const AGENT_TOKEN_CHECKSUM_LENGTH = 6;
export const AGENT_TOKEN_LENGTH =
  AGENT_TOKEN_PREFIX.length + AGENT_TOKEN_RANDOM_LENGTH + AGENT_TOKEN_CHECKSUM_LENGTH;

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const TOKEN_PATTERN = /^ndca_[0-9A-Za-z]{46}$/;

function randomBase62(length: number): string {
  // Rejection sampling keeps every character uniform (256 is not a multiple of 62).
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

export function base62Fixed(value: number, width: number): string {
  let n = value;
  let out = "";
  for (let i = 0; i < width; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

export function checksumOf(randomPart: string): string {
  return base62Fixed(crc32(randomPart), AGENT_TOKEN_CHECKSUM_LENGTH);
}

export function generateAgentToken(): string {
  const random = randomBase62(AGENT_TOKEN_RANDOM_LENGTH);
  return AGENT_TOKEN_PREFIX + random + checksumOf(random);
}

/** True when the string has the token's shape and its checksum matches. No I/O. */
export function isWellFormedAgentToken(token: string): boolean {
  if (token.length !== AGENT_TOKEN_LENGTH || !TOKEN_PATTERN.test(token)) return false;
  const random = token.slice(AGENT_TOKEN_PREFIX.length, AGENT_TOKEN_PREFIX.length + AGENT_TOKEN_RANDOM_LENGTH);
  const checksum = token.slice(AGENT_TOKEN_PREFIX.length + AGENT_TOKEN_RANDOM_LENGTH);
  return checksumOf(random) === checksum;
}

/** What may be shown of a token: `ndca_` and its last 4 characters. */
export function tokenDisplay(token: string): { prefix: string; last4: string; masked: string } {
  const last4 = token.slice(-4);
  return { prefix: AGENT_TOKEN_PREFIX, last4, masked: `${AGENT_TOKEN_PREFIX}…${last4}` };
}
