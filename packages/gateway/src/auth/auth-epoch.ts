import type { AgentContext } from "./agent-context";
import type { AgentAuthentication } from "./require-agent";

/**
 * The auth epoch check: the one mechanism that lets a tool call start from a cached
 * agent-auth row (auth/auth-cache.ts) and still decide nothing on stale authentication.
 *
 * A cached row carries the `auth_epoch` it was read with (0102_auth_epoch.sql moves the
 * epoch in the same transaction as any change to a token, agent, owner or grant). Before
 * the call decides anything, the epoch the database holds now is compared with it; when
 * it moved, the request is authenticated again from the database, which may deny (401/403).
 * The tool call reads the current epoch in its rate-limit statement (a round trip it makes
 * anyway); an answer given before that statement (unknown tool, malformed body) passes no
 * epoch and so always confirms a cached row from the database.
 */
export interface PendingAuthentication extends AgentAuthentication {
  /** Authenticates the same request from the database (never from the cache). */
  fromDatabase(): Promise<AgentAuthentication>;
}

export async function confirmAuthentication(auth: PendingAuthentication, epochNow?: string): Promise<AgentContext> {
  if (auth.epoch === null || (epochNow !== undefined && auth.epoch === epochNow)) return auth.agent;
  return (await auth.fromDatabase()).agent;
}
