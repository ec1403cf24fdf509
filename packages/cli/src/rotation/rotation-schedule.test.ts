import { describe, expect, it } from "vitest";
import { rotationDue, rotationSchedule } from "./rotation-schedule";

const DAY = 86_400_000;
const at = (ms: number) => new Date(ms).toISOString();

describe("rotation schedule", () => {
  const issued = Date.parse("2026-01-01T00:00:00Z");
  const token = { id: "t", last4: "abcd", issued_at: at(issued), expires_at: at(issued + 90 * DAY) };

  it("rotates once less than a third of the life is left", () => {
    expect(rotationSchedule(token)!.rotateAt.toISOString()).toBe(at(issued + 60 * DAY));
    expect(rotationDue(token, new Date(issued + 60 * DAY - 1))).toBe(false);
    expect(rotationDue(token, new Date(issued + 60 * DAY))).toBe(true);
  });

  it("does not rotate an expired token (the gateway refuses it) or one without expiry", () => {
    expect(rotationDue(token, new Date(issued + 90 * DAY))).toBe(false);
    expect(rotationSchedule({ ...token, expires_at: null })).toBeNull();
  });

  it("follows the token's own life (a 7-day token rotates after 4 days and 16 hours)", () => {
    const short = { ...token, expires_at: at(issued + 7 * DAY) };
    expect(rotationSchedule(short)!.rotateAt.getTime() - issued).toBe((7 * DAY * 2) / 3);
  });

  it("assumes the default 90-day life for a profile without issued_at", () => {
    const { issued_at: _ignored, ...old } = token;
    expect(rotationSchedule(old)!.rotateAt.toISOString()).toBe(at(issued + 60 * DAY));
  });
});
