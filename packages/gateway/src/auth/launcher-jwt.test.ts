import { describe, expect, it } from "vitest";
import { SignJWT, UnsecuredJWT } from "jose";
import { createJwtVerifier, GATEWAY_AUDIENCE } from "./launcher-jwt";
import { HttpError } from "../http/http-error";

const secret = "unit-test-secret-0123456789-abcdefghijklmnop";
const verify = createJwtVerifier({ jwtSecret: secret, jwksUrl: null, issuer: "nodedc-launcher", apiUrl: null, apiToken: null, ownerStatusTtlS: 60, ownerStatusGraceS: 60 });

interface Mint {
  claims?: Record<string, unknown>;
  sub?: string | null;
  iss?: string;
  aud?: string;
  iat?: number;
  exp?: number | null;
  key?: string;
}
async function mint(m: Mint = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({ email: "Anna@Example.org", role: "user", ...m.claims })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(m.iss ?? "nodedc-launcher")
    .setAudience(m.aud ?? GATEWAY_AUDIENCE)
    .setIssuedAt(m.iat ?? now);
  if (m.sub !== null) jwt = jwt.setSubject(m.sub ?? "user-1");
  if (m.exp !== null) jwt = jwt.setExpirationTime(m.exp ?? now + 300);
  return jwt.sign(new TextEncoder().encode(m.key ?? secret));
}

async function rejection(token: string): Promise<string> {
  const error = await verify(token).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).code).toBe("unauthenticated");
  expect((error as HttpError).message).toBe(HttpError.unauthenticated().message);
  return (error as { reason: string }).reason;
}

describe("Launcher JWT verification", () => {
  it("accepts a well-formed token and normalises the email", async () => {
    expect(await verify(await mint())).toEqual({ user_id: "user-1", email: "anna@example.org", role: "user" });
  });

  it("accepts platform_admin and service roles, and a service without email", async () => {
    expect((await verify(await mint({ claims: { role: "platform_admin" } }))).role).toBe("platform_admin");
    expect(await verify(await mint({ claims: { role: "service", email: undefined } }))).toMatchObject({ role: "service", email: null });
  });

  const now = Math.floor(Date.now() / 1000);
  it.each<[string, () => Promise<string>]>([
    ["expired", () => mint({ iat: now - 600, exp: now - 120 })],
    ["wrong audience", () => mint({ aud: "some-other-service" })],
    ["wrong issuer", () => mint({ iss: "evil-launcher" })],
    ["wrong secret", () => mint({ key: "another-secret-0123456789-abcdefghijklmnop" })],
    ["no subject", () => mint({ sub: null })],
    ["no expiry", () => mint({ exp: null })],
    ["lifetime over 15 minutes", () => mint({ iat: now, exp: now + 16 * 60 })],
    ["unknown role", () => mint({ claims: { role: "root" } })],
    ["subject longer than 128 chars", () => mint({ sub: "u".repeat(129) })],
    ["issued in the future", () => mint({ iat: now + 3600, exp: now + 3700 })],
    ["unsigned (alg none)", async () => new UnsecuredJWT({ role: "user" }).setSubject("u").setIssuer("nodedc-launcher").setAudience(GATEWAY_AUDIENCE).setIssuedAt().setExpirationTime("5m").encode()],
    ["garbage", async () => "not.a.jwt"],
    ["empty segments", async () => ".."],
  ])("refuses a token that is %s with the one 401", async (_name, make) => {
    expect(typeof (await rejection(await make()))).toBe("string");
  });

  it("needs a secret or a JWKS URL", () => {
    expect(() => createJwtVerifier({ jwtSecret: null, jwksUrl: null, issuer: "x", apiUrl: null, apiToken: null, ownerStatusTtlS: 1, ownerStatusGraceS: 1 })).toThrow(/LAUNCHER_JWT_SECRET/);
  });
});

describe("Launcher JWT verification with a JWKS", () => {
  it("accepts RS256 tokens signed by a key the JWKS lists and refuses others", async () => {
    const { createServer } = await import("node:http");
    const { exportJWK, generateKeyPair } = await import("jose");
    const good = await generateKeyPair("RS256");
    const other = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(good.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    const server = createServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const verifyJwks = createJwtVerifier({ jwtSecret: "ignored-when-jwks-is-set-0123456789abcdef", jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer: "nodedc-launcher", apiUrl: null, apiToken: null, ownerStatusTtlS: 60, ownerStatusGraceS: 60 });
      const sign = (key: typeof good.privateKey, kid = "k1") =>
        new SignJWT({ email: "a@b.org", role: "platform_admin" })
          .setProtectedHeader({ alg: "RS256", kid })
          .setSubject("admin-1")
          .setIssuer("nodedc-launcher")
          .setAudience(GATEWAY_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime("5m")
          .sign(key);
      expect(await verifyJwks(await sign(good.privateKey))).toEqual({ user_id: "admin-1", email: "a@b.org", role: "platform_admin" });
      await expect(verifyJwks(await sign(other.privateKey))).rejects.toMatchObject({ code: "unauthenticated" });
      // an HS256 token made with the (ignored) secret is refused: JWKS mode allows no symmetric algorithms
      await expect(verifyJwks(await mint({ key: "ignored-when-jwks-is-set-0123456789abcdef" }))).rejects.toMatchObject({ code: "unauthenticated" });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
