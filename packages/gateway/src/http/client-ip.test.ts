import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../config/config";
import { clientIp, type ProxyTrust } from "./client-ip";

/** The client IP that pairing limits and audit events use, behind 0, 1 or N proxies. */
async function ipOf(trust: ProxyTrust, socket: string, forwardedFor?: string): Promise<string> {
  const app = new Hono();
  app.get("/", (c) => c.text(clientIp(c, trust)));
  const res = await app.request("/", { headers: forwardedFor === undefined ? {} : { "X-Forwarded-For": forwardedFor } }, { incoming: { socket: { remoteAddress: socket } } });
  return res.text();
}
const hops = (n: number): ProxyTrust => ({ hops: n, proxies: null });
const env = (extra: Record<string, string>) => loadConfig({ NODE_ENV: "test", ...extra }).trustProxy;

describe("client IP behind proxies", () => {
  it("without trust, the socket's peer is the client and X-Forwarded-For is ignored", async () => {
    expect(await ipOf(hops(0), "198.51.100.4", "203.0.113.9")).toBe("198.51.100.4");
  });

  it("one proxy: the right-most hop is the client; what the client wrote to the left changes nothing", async () => {
    // the proxy (socket peer 10.0.0.2) appended the address it saw, 203.0.113.9
    for (const spoof of ["1.1.1.1", "2.2.2.2, 3.3.3.3", "garbage", ""]) {
      const header = spoof ? `${spoof}, 203.0.113.9` : "203.0.113.9";
      expect(await ipOf(hops(1), "10.0.0.2", header)).toBe("203.0.113.9");
    }
  });

  it("two proxies: the hop before the second one", async () => {
    expect(await ipOf(hops(2), "10.0.0.2", "6.6.6.6, 203.0.113.9, 10.0.0.3")).toBe("203.0.113.9");
  });

  it("a proxy list: only hops inside the ranges are skipped, however many", async () => {
    const trust: ProxyTrust = { hops: Number.MAX_SAFE_INTEGER, proxies: ["10.0.0.0/8", "loopback"] };
    expect(await ipOf(trust, "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.2.3, 10.0.0.3")).toBe("203.0.113.9");
    // a direct client outside the ranges is not a proxy: its X-Forwarded-For is not believed
    expect(await ipOf(trust, "198.51.100.4", "6.6.6.6")).toBe("198.51.100.4");
  });

  it("with fewer hops than trusted proxies, the left-most hop is taken (the header is all there is)", async () => {
    expect(await ipOf(hops(3), "10.0.0.2", "203.0.113.9")).toBe("203.0.113.9");
  });

  it("reads TRUST_PROXY as a hop count (true = 1, false = 0) and TRUSTED_PROXIES as ranges", () => {
    expect(env({})).toEqual({ hops: 0, proxies: null });
    expect(env({ TRUST_PROXY: "true" })).toEqual({ hops: 1, proxies: null });
    expect(env({ TRUST_PROXY: "false" })).toEqual({ hops: 0, proxies: null });
    expect(env({ TRUST_PROXY: "3" })).toEqual({ hops: 3, proxies: null });
    expect(env({ TRUSTED_PROXIES: "10.0.0.0/8, ::1" })).toEqual({ hops: Number.MAX_SAFE_INTEGER, proxies: ["10.0.0.0/8", "::1"] });
    expect(env({ TRUST_PROXY: "2", TRUSTED_PROXIES: "loopback" })).toEqual({ hops: 2, proxies: ["loopback"] });
    expect(() => env({ TRUST_PROXY: "many" })).toThrow(/TRUST_PROXY/);
    expect(() => env({ TRUSTED_PROXIES: "10.0.0.0/99" })).toThrow(/TRUSTED_PROXIES/);
    expect(() => env({ TRUST_PROXY: "0", TRUSTED_PROXIES: "loopback" })).toThrow(/TRUSTED_PROXIES/);
  });
});
