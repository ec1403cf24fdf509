import { describe, expect, it } from "vitest";
import { INVALID_SERVICE_KEY_MESSAGE, isPageNotFound, sanitizeErrorBody, taskerErrorFromResponse } from "./errors.js";

const ctx = { operation: "listStates", target: "project 0b6e", projectScoped: true };

describe("taskerErrorFromResponse (PLANE_API §1, §4)", () => {
  it("an invalid service key is an ops problem, not the agent's", () => {
    const e = taskerErrorFromResponse(403, { detail: "Given API token is not valid" }, ctx);
    expect(e).toMatchObject({ code: "tasker_unavailable", status: 403, message: INVALID_SERVICE_KEY_MESSAGE, details: { reason: "service_key_rejected" } });
    expect(e.message).toContain("TASKER_API_KEY");
    expect(taskerErrorFromResponse(401, { detail: "Authentication credentials were not provided." }, ctx).code).toBe("tasker_unavailable");
  });

  it("403 on a project: the service key cannot see it", () => {
    const e = taskerErrorFromResponse(403, { detail: "You do not have permission to perform this action." }, ctx);
    expect(e.code).toBe("forbidden");
    expect(e.message).toContain("service key cannot see this project");
    expect(e.retryable).toBe(false);
  });

  it("404 → not_found, 400/409 → tasker_rejected with Plane's field messages", () => {
    expect(taskerErrorFromResponse(404, { error: "The requested resource does not exist." }, ctx).code).toBe("not_found");
    const e = taskerErrorFromResponse(400, { non_field_errors: ["State is not valid please pass a valid state_id"] }, ctx);
    expect(e).toMatchObject({ code: "tasker_rejected", status: 400, retryable: false, details: { tasker: { non_field_errors: ["State is not valid please pass a valid state_id"] } } });
    expect(taskerErrorFromResponse(409, { error: "dup", id: "x" }, ctx).code).toBe("tasker_rejected");
  });

  it("5xx and 429 → tasker_unavailable, retryable, with the retry hint", () => {
    expect(taskerErrorFromResponse(502, undefined, ctx)).toMatchObject({ code: "tasker_unavailable", retryable: true });
    expect(taskerErrorFromResponse(429, { error_code: 5900 }, { ...ctx, retryAfterS: 17 })).toMatchObject({
      code: "tasker_unavailable",
      retryable: true,
      details: { retry_after_s: 17 },
    });
  });

  it("a redirect or 405 means Tasker is not the API we expect", () => {
    expect(taskerErrorFromResponse(301, undefined, ctx)).toMatchObject({ code: "tasker_unavailable", retryable: false });
    expect(taskerErrorFromResponse(405, { detail: 'Method "PUT" not allowed.' }, ctx).code).toBe("tasker_unavailable");
  });

  it("detects Django's unmatched-URL 404", () => {
    expect(isPageNotFound(404, { error: "Page not found." })).toBe(true);
    expect(isPageNotFound(404, { error: "The requested resource does not exist." })).toBe(false);
  });
});

describe("sanitizeErrorBody", () => {
  it("bounds size and depth and scrubs the service key", () => {
    const key = "plane_api_0123456789abcdef0123456789abcdef";
    const out = sanitizeErrorBody({ a: "x".repeat(2000), k: `token ${key} bad`, deep: { b: { c: { d: { e: 1 } } } }, list: Array.from({ length: 100 }, (_, i) => i) }, key) as Record<string, unknown>;
    expect((out.a as string).length).toBeLessThanOrEqual(501);
    expect(out.k).toBe("token [redacted] bad");
    expect(JSON.stringify(out.deep)).toContain("[truncated]");
    expect((out.list as unknown[]).length).toBe(20);
  });
});
