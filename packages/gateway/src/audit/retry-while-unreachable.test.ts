import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { isDatabaseUnreachable, retryWhileUnreachable } from "./retry-while-unreachable";

const schedule = { budgetMs: 1_000, firstPauseMs: 100, maxPauseMs: 400 };

function failing(errors: unknown[]): { attempt: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    attempt: async () => {
      const error = errors[calls++];
      if (error !== undefined) throw error;
      return "stored";
    },
    calls: () => calls,
  };
}

describe("retryWhileUnreachable", () => {
  it("retries connection failures with growing pauses until the write lands", async () => {
    const pauses: number[] = [];
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const closed = Object.assign(new Error("closed"), { code: "CONNECTION_CLOSED" });
    const w = failing([refused, closed, refused]);
    await expect(retryWhileUnreachable(w.attempt, schedule, async (ms) => void pauses.push(ms))).resolves.toBe("stored");
    expect(w.calls()).toBe(4);
    expect(pauses).toEqual([100, 200, 400]);
  });

  it("gives up when the budget is spent and rethrows the last failure", async () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const pauses: number[] = [];
    const w = failing(Array.from({ length: 20 }, () => refused));
    await expect(retryWhileUnreachable(w.attempt, schedule, async (ms) => void pauses.push(ms))).rejects.toBe(refused);
    expect(pauses.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(schedule.budgetMs);
    expect(pauses).toEqual([100, 200, 400]);
  });

  it("does not retry a failure of the statement itself", async () => {
    const bad = Object.assign(new Error("check violation"), { code: "23514" });
    const w = failing([bad]);
    await expect(retryWhileUnreachable(w.attempt, schedule, async () => undefined)).rejects.toBe(bad);
    expect(w.calls()).toBe(1);
  });

  it("tells outages from bad statements", () => {
    expect(isDatabaseUnreachable(Object.assign(new Error(), { code: "CONNECTION_ENDED" }))).toBe(true);
    expect(isDatabaseUnreachable(Object.assign(new Error(), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnreachable(new Error("plain"))).toBe(false);
    expect(isDatabaseUnreachable(null)).toBe(false);
    expect(postgres.PostgresError).toBeTypeOf("function");
  });
});
