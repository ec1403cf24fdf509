import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { LIMITS, userIdSchema } from "@nodedc/shared";
import type { Config } from "../config/config";
import { HttpError } from "../http/http-error";

/** `aud` of every Launcher JWT meant for this gateway (DESIGN §6, fixed). */
export const GATEWAY_AUDIENCE = "nodedc-agent-gateway";
export const LAUNCHER_ROLES = ["user", "platform_admin", "service"] as const;
export type LauncherRole = (typeof LAUNCHER_ROLES)[number];

export interface LauncherUser {
  user_id: string;
  email: string | null;
  role: LauncherRole;
}

const claimsSchema = z.object({
  sub: userIdSchema,
  email: z.email().max(320).optional(),
  role: z.enum(LAUNCHER_ROLES),
  iat: z.number(),
  exp: z.number(),
});

export type JwtVerifier = (token: string) => Promise<LauncherUser>;

/**
 * Verifies Launcher JWTs: HS256 with LAUNCHER_JWT_SECRET, or the keys at LAUNCHER_JWKS_URL
 * (RS256/ES256/EdDSA). Requires iss, aud, sub, role, iat and exp, with exp at most 15 min
 * after iat. Every failure is the same 401 `unauthenticated` (the reason is only logged).
 */
export function createJwtVerifier(launcher: Config["launcher"]): JwtVerifier {
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (launcher.jwksUrl) {
    key = createRemoteJWKSet(new URL(launcher.jwksUrl), { timeoutDuration: 3000, cooldownDuration: 30_000 });
    algorithms = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"];
  } else if (launcher.jwtSecret) {
    key = new TextEncoder().encode(launcher.jwtSecret);
    algorithms = ["HS256"];
  } else {
    throw new Error("Launcher JWT verification needs LAUNCHER_JWT_SECRET or LAUNCHER_JWKS_URL");
  }
  const options = {
    issuer: launcher.issuer,
    audience: GATEWAY_AUDIENCE,
    algorithms,
    requiredClaims: ["iss", "aud", "sub", "iat", "exp"],
    clockTolerance: 30,
  };
  return async function verifyLauncherJwt(token: string): Promise<LauncherUser> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key as Uint8Array, options));
    } catch (error) {
      throw new JwtRejected(error instanceof joseErrors.JOSEError ? error.code : "ERR_JWT_INVALID");
    }
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new JwtRejected("ERR_JWT_CLAIMS");
    const { sub, email, role, iat, exp } = claims.data;
    if (exp - iat > LIMITS.jwt_max_lifetime_s) throw new JwtRejected("ERR_JWT_LIFETIME");
    if (iat > Date.now() / 1000 + 30) throw new JwtRejected("ERR_JWT_IAT_FUTURE");
    return { user_id: sub, email: email?.toLowerCase() ?? null, role };
  };
}

/** A JWT that failed verification: rendered as the one 401, its reason kept for the log. */
export class JwtRejected extends HttpError {
  constructor(readonly reason: string) {
    super("unauthenticated", HttpError.unauthenticated().message);
  }
}
