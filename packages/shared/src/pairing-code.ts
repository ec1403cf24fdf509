/**
 * Pairing code (DESIGN §5): 8 chars from an alphabet without vowels or look-alikes, shown
 * `XXXX-XXXX`, typed by humans, so input is normalised for case, dashes and spaces.
 */
export const PAIRING_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_CODE_TTL_DEFAULT_S = 600;
export const PAIRING_CODE_TTL_MAX_S = 900;
export const PAIRING_CODE_TTL_MIN_S = 60;

const CODE_PATTERN = new RegExp(`^[${PAIRING_CODE_ALPHABET}]{${PAIRING_CODE_LENGTH}}$`);

export function generatePairingCode(): string {
  let out = "";
  const n = PAIRING_CODE_ALPHABET.length; // 20: 240 is the largest multiple below 256
  while (out.length < PAIRING_CODE_LENGTH) {
    for (const b of crypto.getRandomValues(new Uint8Array(16))) {
      if (b < 240 && out.length < PAIRING_CODE_LENGTH) out += PAIRING_CODE_ALPHABET[b % n];
    }
  }
  return out;
}

/** Canonical 8-char form, or null when the input cannot be a pairing code. */
export function normalizePairingCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s\-_]/g, "");
  return CODE_PATTERN.test(compact) ? compact : null;
}

export function formatPairingCode(code: string): string {
  const canonical = normalizePairingCode(code) ?? code;
  return `${canonical.slice(0, 4)}-${canonical.slice(4)}`;
}
