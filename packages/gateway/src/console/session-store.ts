import { createHash, randomBytes } from "node:crypto";
import type { Sql } from "postgres";
import type { LauncherUser } from "../auth/launcher-jwt";

/**
 * Console sessions (table console_sessions, 0105_console.sql). The cookie carries 32 random
 * bytes; only their SHA-256 is stored (the value is high-entropy, so no pepper is needed
 * to make a dump useless). Idle and absolute expiry are enforced in the lookup itself.
 */
export const SESSION_IDLE_S = 60 * 60;
export const SESSION_ABSOLUTE_S = 12 * 60 * 60;
/** last_seen_at is written at most this often, so page views do not all write. */
const TOUCH_INTERVAL_S = 60;

export interface ConsoleSession {
  id: string;
  user: LauncherUser;
}

const hashOf = (value: string): Buffer => createHash("sha256").update(value, "utf8").digest();

export async function createConsoleSession(sql: Sql, user: LauncherUser): Promise<{ cookieValue: string; session: ConsoleSession }> {
  const cookieValue = randomBytes(32).toString("base64url");
  const [row] = await sql<{ id: string }[]>`
    INSERT INTO console_sessions (session_hash, user_id, email, role, expires_at)
    VALUES (${hashOf(cookieValue)}, ${user.user_id}, ${user.email}, ${user.role}, now() + make_interval(secs => ${SESSION_ABSOLUTE_S}))
    RETURNING id`;
  return { cookieValue, session: { id: row!.id, user } };
}

/** The live session of a cookie value, or null (unknown, ended, idle too long or past its absolute end). */
export async function findConsoleSession(sql: Sql, cookieValue: string): Promise<ConsoleSession | null> {
  const [row] = await sql<{ id: string; user_id: string; email: string | null; role: "user" | "platform_admin" }[]>`
    UPDATE console_sessions SET last_seen_at = now()
    WHERE session_hash = ${hashOf(cookieValue)}
      AND ended_at IS NULL AND expires_at > now()
      AND last_seen_at > now() - make_interval(secs => ${SESSION_IDLE_S})
      AND last_seen_at < now() - make_interval(secs => ${TOUCH_INTERVAL_S})
    RETURNING id, user_id, email, role`;
  const found =
    row ??
    (
      await sql<{ id: string; user_id: string; email: string | null; role: "user" | "platform_admin" }[]>`
        SELECT id, user_id, email, role FROM console_sessions
        WHERE session_hash = ${hashOf(cookieValue)}
          AND ended_at IS NULL AND expires_at > now()
          AND last_seen_at > now() - make_interval(secs => ${SESSION_IDLE_S})`
    )[0];
  return found ? { id: found.id, user: { user_id: found.user_id, email: found.email, role: found.role } } : null;
}

export async function endConsoleSession(sql: Sql, sessionId: string): Promise<void> {
  await sql`UPDATE console_sessions SET ended_at = coalesce(ended_at, now()) WHERE id = ${sessionId}`;
}

/**
 * A user's dead sessions (ended, idle or past their absolute end) are deleted with their
 * form rows whenever that user signs in again, so the table stays as small as the number
 * of people signed in, without a background job.
 */
export async function purgeDeadConsoleSessions(sql: Sql, userId: string): Promise<number> {
  const rows = await sql`
    DELETE FROM console_sessions
    WHERE user_id = ${userId}
      AND (expires_at < now() OR ended_at IS NOT NULL OR last_seen_at < now() - make_interval(secs => ${SESSION_IDLE_S}))
    RETURNING id`;
  return rows.count;
}

export type FormClaim = { kind: "claimed" } | { kind: "done"; location: string } | { kind: "in_progress" };

/**
 * Claims a form nonce for this session. A nonce seen before answers where its first
 * submission led (or that it is still being handled) instead of acting twice.
 */
export async function claimFormNonce(sql: Sql, sessionId: string, nonce: string): Promise<FormClaim> {
  const inserted = await sql`
    INSERT INTO console_form_submissions (session_id, nonce) VALUES (${sessionId}, ${nonce})
    ON CONFLICT (session_id, nonce) DO NOTHING RETURNING nonce`;
  if (inserted.count === 1) return { kind: "claimed" };
  const [row] = await sql<{ location: string | null }[]>`
    SELECT location FROM console_form_submissions WHERE session_id = ${sessionId} AND nonce = ${nonce}`;
  return row?.location ? { kind: "done", location: row.location } : { kind: "in_progress" };
}

export async function completeFormNonce(sql: Sql, sessionId: string, nonce: string, location: string): Promise<void> {
  await sql`UPDATE console_form_submissions SET location = ${location} WHERE session_id = ${sessionId} AND nonce = ${nonce}`;
}

/** A submission that changed nothing (bad input, refusal) frees its nonce. */
export async function releaseFormNonce(sql: Sql, sessionId: string, nonce: string): Promise<void> {
  await sql`DELETE FROM console_form_submissions WHERE session_id = ${sessionId} AND nonce = ${nonce} AND location IS NULL`;
}
