import { describe, expect, it } from "vitest";
import { TaskerError } from "./errors.js";
import { ManualClock } from "./manual-clock.test-support.js";
import { RequestBudget } from "./request-budget.js";

function setup(perWindow: number, maxWaitMs = 120_000) {
  const clock = new ManualClock();
  const budget = new RequestBudget({ perWindow, windowMs: 60_000, maxWaitMs, clock });
  const served: string[] = [];
  const take = (agent: string, tag = agent) =>
    budget.acquire(agent).then(
      () => void served.push(tag),
      (e: unknown) => void served.push(`refused:${tag}:${(e as TaskerError).code}`),
    );
  return { clock, budget, served, take };
}

describe("RequestBudget", () => {
  it("grants immediately while the window has room, then queues", async () => {
    const { clock, budget, served, take } = setup(3);
    void take("a");
    void take("a");
    void take("a");
    void take("a", "a4");
    await clock.advance(0);
    expect(served).toEqual(["a", "a", "a"]);
    expect(budget.snapshot()).toMatchObject({ used: 3, limit: 3, queued: 1 });
    await clock.advance(59_999);
    expect(served).toHaveLength(3);
    await clock.advance(2);
    expect(served).toEqual(["a", "a", "a", "a4"]);
  });

  it("is a sliding window: slots free one by one as their grants age out", async () => {
    const { clock, served, take } = setup(2);
    void take("a", "1");
    await clock.advance(10_000);
    void take("a", "2");
    void take("a", "3");
    void take("a", "4");
    await clock.advance(0);
    expect(served).toEqual(["1", "2"]);
    await clock.advance(50_001); // grant "1" (t=0) ages out at t=60 000
    expect(served).toEqual(["1", "2", "3"]);
    await clock.advance(10_000); // grant "2" (t=10 000) ages out at t=70 000
    expect(served).toEqual(["1", "2", "3", "4"]);
  });

  it("serves contending agents round-robin so a busy agent cannot starve the others", async () => {
    const { clock, served, take } = setup(1, 3_600_000);
    void take("busy", "busy-0");
    await clock.advance(0);
    for (let i = 1; i <= 6; i++) void take("busy", `busy-${i}`);
    await clock.advance(1);
    void take("quiet", "quiet-1");
    void take("quiet", "quiet-2");
    void take("third", "third-1");
    for (let i = 0; i < 9; i++) await clock.advance(60_001);
    expect(served).toEqual(["busy-0", "busy-1", "quiet-1", "third-1", "busy-2", "quiet-2", "busy-3", "busy-4", "busy-5", "busy-6"]);
  });

  it("refuses at once a caller that would wait longer than maxWaitMs, with a retry hint", async () => {
    const { clock, budget } = setup(1, 5_000);
    await budget.acquire("a");
    const started = clock.now();
    const err = await budget.acquire("b").catch((e: unknown) => e);
    expect(clock.now()).toBe(started);
    expect(err).toBeInstanceOf(TaskerError);
    expect(err).toMatchObject({ code: "tasker_unavailable", retryable: true, details: { reason: "upstream_budget_exhausted", retry_after_s: 60 } });
  });

  it("queues a caller whose wait fits in maxWaitMs", async () => {
    const { clock, budget, served, take } = setup(1, 10_000);
    await budget.acquire("a");
    await clock.advance(55_000);
    void take("b");
    await clock.advance(0);
    expect(served).toEqual([]);
    await clock.advance(5_001);
    expect(served).toEqual(["b"]);
  });

  it("refuses a queued caller when its deadline passes (fairness pushed it back)", async () => {
    const { clock, budget, served, take } = setup(3, 55_000);
    await budget.acquire("a");
    await clock.advance(10_000);
    await budget.acquire("a");
    await clock.advance(10_000);
    await budget.acquire("a"); // grants at t=0, 10 s, 20 s
    void take("a", "a-1"); // slot at 60 s: waits 40 s
    void take("a", "a-2"); // slot at 70 s: waits 50 s
    void take("b", "b-1"); // round-robin: b-1 goes before a-2, at 70 s
    await clock.advance(0);
    expect(served).toEqual([]);
    await clock.advance(60_000);
    expect(served).toEqual(["a-1", "b-1", "refused:a-2:tasker_unavailable"]);
  });

  it("estimates waits over several windows", async () => {
    const { clock, budget } = setup(2, 125_000);
    await budget.acquire("a");
    await budget.acquire("a");
    const queued = [budget.acquire("a"), budget.acquire("a"), budget.acquire("a"), budget.acquire("a")];
    // the 5th and 6th would need a third window (> 125 s): refused at once
    await expect(budget.acquire("a")).rejects.toMatchObject({ details: { retry_after_s: 180 } });
    await clock.advance(120_002);
    await Promise.all(queued);
  });

  it("pauses every grant until a 429's Retry-After has passed", async () => {
    const { clock, budget, served, take } = setup(10, 30_000);
    await budget.acquire("a");
    budget.pauseUntil(clock.now() + 20_000);
    void take("a", "after-pause");
    await clock.advance(19_000);
    expect(served).toEqual([]);
    await clock.advance(1_002);
    expect(served).toEqual(["after-pause"]);
    budget.pauseUntil(clock.now() + 45_000);
    void take("b", "too-long");
    await clock.advance(0);
    expect(served[1]).toBe("refused:too-long:tasker_unavailable");
  });

  it("stays cheap with a huge limit (benchmarks lift it)", async () => {
    const clock = new ManualClock();
    const budget = new RequestBudget({ perWindow: 1_000_000, maxWaitMs: 1_000, clock });
    const started = performance.now();
    for (let i = 0; i < 300_000; i++) {
      await budget.acquire("a");
      if (i % 10 === 0) await clock.advance(1);
    }
    expect(budget.snapshot().used).toBe(300_000);
    await clock.advance(60_001);
    expect(budget.snapshot().used).toBe(0);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it("close() rejects waiters and later calls", async () => {
    const { clock, budget, served, take } = setup(1);
    await budget.acquire("a");
    void take("a", "w");
    await clock.advance(0);
    budget.close();
    await clock.advance(0);
    expect(served).toEqual(["refused:w:tasker_unavailable"]);
    await expect(budget.acquire("x")).rejects.toMatchObject({ code: "tasker_unavailable" });
  });
});
