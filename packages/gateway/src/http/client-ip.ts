import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";
import proxyaddr from "proxy-addr";

/**
 * Which hops in front of the gateway are our own proxies (TRUST_PROXY, TRUSTED_PROXIES).
 * `hops`: how many of the nearest hops (the socket's peer first) may be proxies; 0 → the
 * socket's address is the client. `proxies`: when set, a hop counts as a proxy only if its
 * address is in these ranges (CIDRs, IPs, or loopback/linklocal/uniquelocal).
 */
export interface ProxyTrust {
  hops: number;
  proxies: readonly string[] | null;
}

type TrustFn = (address: string, hop: number) => boolean;
const compiled = new WeakMap<ProxyTrust, TrustFn>();

function trustFnOf(trust: ProxyTrust): TrustFn {
  let fn = compiled.get(trust);
  if (!fn) {
    const inRanges = trust.proxies ? proxyaddr.compile([...trust.proxies]) : null;
    fn = (address, hop) => hop < trust.hops && (inRanges === null || inRanges(address, hop));
    compiled.set(trust, fn);
  }
  return fn;
}

function socketAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined; // in-process requests (app.request) have no socket
  }
}

/**
 * The caller's IP, the way Express's and Fastify's "trust proxy" settle it (proxy-addr):
 * walk from the socket's peer leftwards through X-Forwarded-For while the hop is a trusted
 * proxy; the first hop that is not is the client. The left part of the header is written
 * by the client and is never believed, so rotating it changes nothing.
 */
export function clientIp(c: Context, trust: ProxyTrust): string {
  const socket = socketAddress(c);
  if (trust.hops === 0) return socket ?? "unknown";
  const forwardedFor = c.req.header("X-Forwarded-For") ?? "";
  const request = { headers: { "x-forwarded-for": forwardedFor }, socket: { remoteAddress: socket ?? "unknown" } };
  return proxyaddr(request as never, trustFnOf(trust)).slice(0, 64);
}
