import { LIMITS } from "../contract-leaves";
import type { Profile } from "../config/profiles";

/**
 * When a stored token is rotated (DESIGN §14): once less than a third of its life is left.
 * The life runs from `issued_at` (when this machine received the token) to `expires_at`;
 * profiles written before `issued_at` existed assume the default life.
 */
export interface RotationSchedule {
  expiresAt: Date;
  /** From this moment `mcp` rotates the token (at most once per start). */
  rotateAt: Date;
}

const DAY_MS = 86_400_000;

/**
 * Every process of the profile (and a new one) first uses a rotated token this long after it
 * was stored, and uses the old one until then. The old token is refused, and a later use of
 * it revokes the chain, once the new one has been used: this pause lets requests that other
 * processes sent with the old one reach the gateway first.
 */
export const SWITCH_DELAY_MS = 2_000;
/** `doctor` warns about a token this close to expiry that cannot be rotated. */
export const EXPIRY_WARNING_MS = 7 * DAY_MS;

export function rotationSchedule(token: Profile["token"]): RotationSchedule | null {
  if (!token.expires_at) return null;
  const expiresAt = new Date(token.expires_at);
  if (Number.isNaN(expiresAt.getTime())) return null;
  const issued = token.issued_at ? Date.parse(token.issued_at) : Number.NaN;
  const issuedMs = Number.isNaN(issued) || issued >= expiresAt.getTime() ? expiresAt.getTime() - LIMITS.token_default_expires_in_days * DAY_MS : issued;
  const life = expiresAt.getTime() - issuedMs;
  return { expiresAt, rotateAt: new Date(expiresAt.getTime() - life / 3) };
}

export function rotationDue(token: Profile["token"], now: Date): boolean {
  const schedule = rotationSchedule(token);
  return schedule !== null && now.getTime() >= schedule.rotateAt.getTime() && now.getTime() < schedule.expiresAt.getTime();
}
