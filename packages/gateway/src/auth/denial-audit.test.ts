import { describe, expect, it } from "vitest";
import type { AuditEventInput } from "../audit/audit-event";
import { createDenialAudit, type DenialEvent } from "./denial-audit";

function harness(options: { maxWindows?: number } = {}) {
  let t = 1_000_000;
  const written: AuditEventInput[] = [];
  const denials = createDenialAudit({ write: async (e) => void written.push(e), windowS: 60, now: () => t, ...options });
  const event = (token: string, reason = "token_revoked", n = 0): DenialEvent => ({
    actor_type: "agent",
    token_id: token,
    action: "agent.auth",
    outcome: "denied",
    error_code: "unauthenticated",
    request_id: `req-${token}-${n}`,
    details: { reason, method: "POST", path: "/api/v1/tools/whoami" },
  });
  return { denials, written, event, advance: (ms: number) => (t += ms) };
}

describe("aggregated audit of refused agent requests", () => {
  it("600 refusals of one token in a window: the first at once, the rest as one event with a count", async () => {
    const h = harness();
    for (let i = 0; i < 600; i++) {
      await h.denials.record(h.event("tok-1", "token_revoked", i));
      h.advance(50); // 600 calls over 30 s
    }
    expect(h.written).toHaveLength(1);
    expect(h.written[0]).toMatchObject({ request_id: "req-tok-1-0", details: { reason: "token_revoked", window_s: 60 } });
    await h.denials.flush(); // the window has not ended yet
    expect(h.written).toHaveLength(1);
    h.advance(30_000);
    await h.denials.flush();
    expect(h.written).toHaveLength(2);
    expect(h.written[1]).toMatchObject({ token_id: "tok-1", request_id: "req-tok-1-0", details: { reason: "token_revoked", aggregated: true, count: 599 } });
  });

  it("a refusal after the window writes the last window's count and opens a new window", async () => {
    const h = harness();
    await h.denials.record(h.event("tok-1", "token_revoked", 1));
    await h.denials.record(h.event("tok-1", "token_revoked", 2));
    h.advance(61_000);
    await h.denials.record(h.event("tok-1", "token_revoked", 3));
    expect(h.written.map((e) => [e.request_id, (e.details as { count?: number }).count])).toEqual([
      ["req-tok-1-1", undefined],
      ["req-tok-1-1", 1],
      ["req-tok-1-3", undefined],
    ]);
  });

  it("keeps tokens and reasons apart, writes nothing more for a lone refusal, and bounds its memory", async () => {
    const h = harness({ maxWindows: 2 });
    await h.denials.record(h.event("tok-1"));
    await h.denials.record(h.event("tok-1", "agent_paused"));
    await h.denials.record(h.event("tok-1", "agent_paused"));
    expect(h.written).toHaveLength(2);
    await h.denials.record(h.event("tok-2")); // a third window: the oldest (a lone refusal) is closed early
    expect(h.written).toHaveLength(3);
    await h.denials.flush({ all: true });
    expect(h.written.map((e) => [e.token_id, (e.details as { reason: string }).reason, (e.details as { count?: number }).count])).toEqual([
      ["tok-1", "token_revoked", undefined],
      ["tok-1", "agent_paused", undefined],
      ["tok-2", "token_revoked", undefined],
      ["tok-1", "agent_paused", 1],
    ]);
  });

  it("a failed write does not fail the refusal", async () => {
    const denials = createDenialAudit({ write: async () => Promise.reject(new Error("db down")), now: () => 0 });
    await expect(denials.record({ actor_type: "agent", token_id: "t", action: "agent.auth", outcome: "denied", error_code: "unauthenticated", request_id: "r", details: { reason: "token_revoked" } })).resolves.toBeUndefined();
  });
});
