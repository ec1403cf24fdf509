import { describe, expect, it } from "vitest";
import { isSameOrigin } from "./origin-guard";

const OWN = "https://gateway.example.com";

describe("console CSRF guard", () => {
  it("accepts the gateway's own Origin, and Origin: null only with Sec-Fetch-Site: same-origin", () => {
    expect(isSameOrigin(OWN, undefined, OWN, [])).toBe(true);
    expect(isSameOrigin("null", "same-origin", OWN, [])).toBe(true);
    expect(isSameOrigin(undefined, "same-origin", OWN, [])).toBe(true);
  });
  it("refuses other origins whatever Sec-Fetch-Site claims, same-site pages, and requests with no signal", () => {
    expect(isSameOrigin("https://evil.example", "same-origin", OWN, [])).toBe(false);
    expect(isSameOrigin("https://gateway.example.com:8443", undefined, OWN, [])).toBe(false);
    expect(isSameOrigin("null", "same-site", OWN, [])).toBe(false);
    expect(isSameOrigin("null", "cross-site", OWN, [])).toBe(false);
    expect(isSameOrigin("null", undefined, OWN, [])).toBe(false);
    expect(isSameOrigin(undefined, undefined, OWN, [])).toBe(false);
    expect(isSameOrigin(undefined, "none", OWN, [])).toBe(false);
  });
  it("accepts an extra origin only where it is allowed (Launcher posting the sign-in)", () => {
    expect(isSameOrigin("https://launcher.example.com", undefined, OWN, ["https://launcher.example.com"])).toBe(true);
    expect(isSameOrigin("https://launcher.example.com", undefined, OWN, [])).toBe(false);
  });
});
