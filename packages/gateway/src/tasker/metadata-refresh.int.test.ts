import { FIXTURE } from "@nodedc/tasker-sandbox";
import { describe, expect, it } from "vitest";
import { ManualClock } from "./manual-clock.test-support.js";
import { ctx, rejection, useSandbox } from "./sandbox.test-support.js";

const DEMO = FIXTURE.projects.demo.id;
const OWNER = FIXTURE.users.demoOwner.email;
const TTL = 30_000;

describe("metadata refresh-ahead and Tasker failures, against the sandbox", () => {
  const env = useSandbox();
  // Retries sleep on the adapter's clock; with a hand-driven one they would wait forever.
  const adapter = (clock: ManualClock) => env.adapter({ clock, maxReadRetries: 0, metadataTtlMs: TTL, metadataRefreshAheadMs: 5_000 });

  it("an entry read near expiry is answered from the cache and reloaded in the background, without the caller waiting for it", async () => {
    const clock = new ManualClock();
    const a = adapter(clock);
    await a.listStates(ctx(), DEMO);
    await clock.advance(TTL - 5_000);
    const hold = env.sb.faults.add({ mode: "hold", path: "/states/$" });
    // Answered while its reload is still held by the sandbox: the caller did not wait for it.
    expect((await a.listStates(ctx(), DEMO)).length).toBeGreaterThan(0);
    const held = await env.sb.faults.whenHeld(1);
    expect(held.map((h) => h.path)).toEqual([`/api/v1/workspaces/nodedc/projects/${DEMO}/states/`]);
    const reloaded = env.sb.requestLog.next((e) => e.path.endsWith("/states/"));
    env.sb.faults.remove(hold.id);
    env.sb.faults.releaseHeld();
    await reloaded; // answered by the sandbox (the adapter may still be reading it: then the next call joins it)
    await clock.advance(5_000); // past the first load's expiry: the reloaded entry answers
    const after = await env.requestsDuring(() => a.listStates(ctx(), DEMO));
    expect(after.requests).toEqual([]);
  });

  it("Tasker down past the TTL: states are still served (bounded), the owner's right fails closed", async () => {
    const clock = new ManualClock();
    const a = adapter(clock);
    const states = await a.listStates(ctx(), DEMO);
    expect((await a.ownerRight(ctx(), DEMO, OWNER)).level).toBe("write");
    await clock.advance(TTL);
    env.sb.faults.add({ mode: "error", status: 503, method: "GET" });
    expect(await a.listStates(ctx(), DEMO)).toEqual(states);
    const refused = await rejection(a.ownerRight(ctx(), DEMO, OWNER));
    expect(refused.code).toBe("tasker_unavailable");
    await clock.advance(TTL); // one more TTL: no longer served
    expect((await rejection(a.listStates(ctx(), DEMO))).code).toBe("tasker_unavailable");
  });
});
