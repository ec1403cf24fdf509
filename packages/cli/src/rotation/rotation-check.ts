import type { Profile } from "../config/profiles";
import type { TokenSource } from "../token-store/token-store";
import { EXPIRY_WARNING_MS, rotationSchedule } from "./rotation-schedule";

/** What `status` and `doctor` say about the token's expiry and its next rotation. */
export interface RotationView {
  expires_at: string | null;
  /** From then on `mcp` rotates the token by itself (null: never, e.g. no expiry or from env). */
  next_rotation_at: string | null;
  /** Less than a third of the life is left: the next `mcp` start rotates it. */
  due: boolean;
  expired: boolean;
  /** Why this machine cannot rotate it, if it cannot. */
  blocked_by: string | null;
}

export interface RotationFacts {
  token: Profile["token"] | null;
  /** The gateway's expiry, when it answered (else the profile's). */
  expiresAt: string | null;
  source: TokenSource | null;
  /** Reasons a rotation would fail now (gateway unreachable, token refused, keychain down). */
  obstacles: string[];
  now: Date;
}

export function rotationView(facts: RotationFacts): RotationView {
  const expiresAt = facts.expiresAt ?? facts.token?.expires_at ?? null;
  const schedule = facts.token && expiresAt ? rotationSchedule({ ...facts.token, expires_at: expiresAt }) : null;
  const expired = expiresAt !== null && Date.parse(expiresAt) <= facts.now.getTime();
  const blockers = [...facts.obstacles];
  if (facts.source === "env") blockers.unshift("the token comes from NODEDC_TASKER_TOKEN, which nodedc-tasker cannot rewrite");
  if (!facts.token && facts.source !== "env") blockers.unshift("no stored profile");
  if (expired) blockers.unshift("the token has expired");
  return {
    expires_at: expiresAt,
    next_rotation_at: schedule && facts.source !== "env" ? schedule.rotateAt.toISOString() : null,
    due: schedule !== null && !expired && facts.now.getTime() >= schedule.rotateAt.getTime(),
    expired,
    blocked_by: blockers.length > 0 ? blockers.join("; ") : null,
  };
}

/** Within a week of expiry and no way to rotate from here: the one case `doctor` warns about. */
export function expiryAtRisk(view: RotationView, now: Date): boolean {
  if (!view.expires_at || view.blocked_by === null) return false;
  return Date.parse(view.expires_at) - now.getTime() <= EXPIRY_WARNING_MS;
}
