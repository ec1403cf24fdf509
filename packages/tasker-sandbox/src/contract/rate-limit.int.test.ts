import { describe, expect, it } from "vitest";
import { FIXTURE } from "../fixture";
import { WS, useHttpSandbox } from "./http-client";

const ME = "/api/v1/users/me/";

describe("rate limit (PLANE_API §1)", () => {
  const api = useHttpSandbox({ rateLimitPerMin: 5 });

  it("counts down X-RateLimit-Remaining, then 429 with Retry-After and no X-RateLimit headers", async () => {
    const started = Math.floor(Date.now() / 1000);
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await api.call(ME);
      expect(r.status).toBe(200);
      remaining.push(r.headers.get("x-ratelimit-remaining") ?? "missing");
      const reset = Number(r.headers.get("x-ratelimit-reset"));
      expect(reset).toBeGreaterThanOrEqual(started + 60);
      expect(reset).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 60);
    }
    expect(remaining).toEqual(["4", "3", "2", "1", "0"]);
    const limited = await api.call(ME);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error_code: 5900, error_message: "RATE_LIMIT_EXCEEDED" });
    const retryAfter = limited.headers.get("retry-after");
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(limited.headers.get("x-ratelimit-remaining")).toBeNull();
    expect(limited.headers.get("x-ratelimit-reset")).toBeNull();
  });

  it("error answers after the throttle carry the headers too (a 404 lookup)", async () => {
    const r = await api.call(`${WS}/projects/${FIXTURE.projects.demo.id}/work-items/11111111-2222-4333-8444-555555555555/`);
    expect(r.status).toBe(404);
    expect(r.headers.get("x-ratelimit-remaining")).toBe("4");
  });

  it("keys are limited separately", async () => {
    for (let i = 0; i < 5; i++) await api.call(ME);
    expect((await api.call(ME)).status).toBe(429);
    expect((await api.call(ME, { key: api.sb.keys.demoOwner })).status).toBe(200);
  });

  it("requests without a key, with an invalid key, or refused by permission are not counted", async () => {
    for (let i = 0; i < 8; i++) {
      expect((await api.call(ME, { key: null })).status).toBe(401);
      expect((await api.call(ME, { key: "plane_api_ffffffffffffffffffffffffffffffff" })).status).toBe(403);
      expect((await api.call(`${WS}/projects/${FIXTURE.projects.secret.id}/work-items/`)).status).toBe(403);
    }
    const r = await api.call(ME);
    expect(r.status).toBe(200);
    expect(r.headers.get("x-ratelimit-remaining")).toBe("4");
  });

  it("is_service keys get 5× the limit", async () => {
    api.sb.store.addApiKey({
      label: "internal-service",
      token: "plane_api_5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e",
      userId: FIXTURE.users.service.id,
      isActive: true,
      expiredAt: null,
      isService: true,
      lastUsedAt: null,
    });
    const first = await api.call(ME, { key: "plane_api_5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e" });
    expect(first.headers.get("x-ratelimit-remaining")).toBe("24");
  });
});
