import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Sql } from "postgres";
import type { Logger } from "pino";
import { AGENT_TOKEN_PREFIX } from "@nodedc/shared";
import { JwtRejected, type JwtVerifier, type LauncherUser } from "../auth/launcher-jwt";
import { HttpError } from "../http/http-error";
import { upsertOwnerFromLogin } from "../owners/owner-store";
import type { RecordAudit } from "../audit/record-audit";
import type { ConsoleEnv } from "./console-env";
import { createConsoleSession, endConsoleSession, findConsoleSession, purgeDeadConsoleSessions, SESSION_ABSOLUTE_S } from "./session-store";

export const CONSOLE_COOKIE = "nodedc_console";
export const CONSOLE_PATH = "/console";

export interface ConsoleAuthDeps {
  sql: Sql;
  logger: Logger;
  audit: RecordAudit;
  verifyJwt: JwtVerifier;
  /** Secure cookies when the gateway is served over https. */
  secureCookies: boolean;
}

/** Why a sign-in was refused, as the sign-in page says it (never the JWT's own content). */
export class SignInRefused extends Error {}

/**
 * Verifies a Launcher JWT exactly as the internal API does (DESIGN §6) and opens a console
 * session. Services cannot sign in: the console is for humans.
 */
export async function signIn(deps: ConsoleAuthDeps, c: Context<ConsoleEnv>, launcherToken: string): Promise<void> {
  const token = launcherToken.trim();
  if (token === "" || token.startsWith(AGENT_TOKEN_PREFIX)) throw new SignInRefused("Paste a Launcher sign-in token (not an agent token).");
  let user: LauncherUser;
  try {
    user = await deps.verifyJwt(token);
  } catch (error) {
    if (error instanceof JwtRejected) deps.logger.info({ request_id: c.get("requestId"), reason: error.reason }, "console sign-in: launcher jwt rejected");
    throw new SignInRefused("This sign-in token is not valid or has expired. Sign in through Launcher again.");
  }
  if (user.role === "service") throw new SignInRefused("Service credentials cannot sign in to the console.");
  await openSession(deps, c, user);
}

/** Opens a session for an already-authenticated human (sign-in, or the sandbox's demo owner). */
export async function openSession(deps: ConsoleAuthDeps, c: Context<ConsoleEnv>, user: LauncherUser): Promise<void> {
  await upsertOwnerFromLogin(deps.sql, user.user_id, user.email);
  await purgeDeadConsoleSessions(deps.sql, user.user_id);
  const { cookieValue, session } = await createConsoleSession(deps.sql, user);
  await deps.audit.durable({
    actor_type: "user",
    actor_user_id: user.user_id,
    owner_user_id: user.user_id,
    action: "console.sign_in",
    outcome: "allowed",
    request_id: c.get("requestId"),
    details: { session_id: session.id, role: user.role, via: "console" },
  });
  setCookie(c, CONSOLE_COOKIE, cookieValue, {
    httpOnly: true,
    sameSite: "Lax",
    secure: deps.secureCookies,
    path: CONSOLE_PATH,
    maxAge: SESSION_ABSOLUTE_S,
  });
}

export async function signOut(deps: ConsoleAuthDeps, c: Context<ConsoleEnv>): Promise<void> {
  const value = getCookie(c, CONSOLE_COOKIE);
  const session = value ? await findConsoleSession(deps.sql, value) : null;
  if (session) {
    await endConsoleSession(deps.sql, session.id);
    await deps.audit.durable({
      actor_type: "user",
      actor_user_id: session.user.user_id,
      owner_user_id: session.user.user_id,
      action: "console.sign_out",
      outcome: "allowed",
      request_id: c.get("requestId"),
      details: { session_id: session.id, via: "console" },
    });
  }
  deleteCookie(c, CONSOLE_COOKIE, { path: CONSOLE_PATH, secure: deps.secureCookies });
}

/** The signed-in human or null. */
export async function currentSession(deps: ConsoleAuthDeps, c: Context<ConsoleEnv>) {
  const value = getCookie(c, CONSOLE_COOKIE);
  if (!value || value.length > 128) return null;
  return findConsoleSession(deps.sql, value);
}

/**
 * Pages behind the sign-in. An unsigned visitor is sent to LAUNCHER_LOGIN_URL when set,
 * else to the console's own sign-in page; an unsigned API-style call (the live status
 * poll) gets 401.
 */
export function requireConsoleSession(deps: ConsoleAuthDeps, loginUrl: string | null): MiddlewareHandler<ConsoleEnv> {
  return async function requireConsoleSessionMiddleware(c, next) {
    const session = await currentSession(deps, c);
    if (!session) {
      if (c.req.method !== "GET" || c.req.header("accept")?.includes("application/json")) throw HttpError.unauthenticated("sign in to the console again");
      return c.redirect(loginUrl ?? `${CONSOLE_PATH}/sign-in`, 303);
    }
    c.set("consoleSession", session);
    c.set("user", session.user);
    await next();
  };
}
