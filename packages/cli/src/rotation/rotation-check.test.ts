import { describe, expect, it } from "vitest";
import { expiryAtRisk, rotationView } from "./rotation-check";

const DAY = 86_400_000;
const now = new Date("2026-03-01T00:00:00Z");
const token = (issuedDaysAgo: number, expiresInDays: number) => ({
  id: "t",
  last4: "abcd",
  issued_at: new Date(now.getTime() - issuedDaysAgo * DAY).toISOString(),
  expires_at: new Date(now.getTime() + expiresInDays * DAY).toISOString(),
});

describe("rotation view for status and doctor", () => {
  it("gives the next rotation of a young token and no warning", () => {
    const view = rotationView({ token: token(10, 80), expiresAt: null, source: "keychain", obstacles: [], now });
    expect(view).toMatchObject({ due: false, expired: false, blocked_by: null, next_rotation_at: new Date(now.getTime() + 50 * DAY).toISOString() });
    expect(expiryAtRisk(view, now)).toBe(false);
  });

  it("says a rotation is due once less than a third is left, and does not warn when it can rotate", () => {
    const view = rotationView({ token: token(85, 5), expiresAt: null, source: "keychain", obstacles: [], now });
    expect(view.due).toBe(true);
    expect(expiryAtRisk(view, now)).toBe(false);
  });

  it("warns within a week of expiry when the token cannot be rotated from here", () => {
    const env = rotationView({ token: null, expiresAt: token(85, 5).expires_at, source: "env", obstacles: [], now });
    expect(env.next_rotation_at).toBeNull();
    expect(env.blocked_by).toMatch(/NODEDC_TASKER_TOKEN/);
    expect(expiryAtRisk(env, now)).toBe(true);
    const offline = rotationView({ token: token(85, 5), expiresAt: null, source: "keychain", obstacles: ["the gateway is unreachable"], now });
    expect(expiryAtRisk(offline, now)).toBe(true);
    const later = rotationView({ token: token(10, 8), expiresAt: null, source: "env", obstacles: [], now });
    expect(expiryAtRisk(later, now)).toBe(false);
  });

  it("prefers the gateway's expiry and says when the token has expired", () => {
    const view = rotationView({ token: token(95, 10), expiresAt: new Date(now.getTime() - DAY).toISOString(), source: "file", obstacles: [], now });
    expect(view).toMatchObject({ expired: true, due: false });
    expect(view.blocked_by).toMatch(/expired/);
  });
});
