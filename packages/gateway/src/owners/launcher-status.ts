import type { Sql } from "postgres";
import type { Logger } from "pino";
import { z } from "zod";
import { OWNER_STATUSES } from "@nodedc/shared";
import type { Config } from "../config/config";
import { applyOwnerStatus, markOwnerStatusUnreachable, type OwnerStatus } from "./owner-store";

/**
 * Request-time owner status (DESIGN §6): with LAUNCHER_API_URL set, an owner whose cached
 * status is older than OWNER_STATUS_TTL_S is checked at `GET {LAUNCHER_API_URL}/internal/v1/users/{id}`.
 * While Launcher cannot answer, the last known status is used for OWNER_STATUS_GRACE_S;
 * after that the owner counts as inactive (fail closed) until Launcher answers again.
 * Concurrent checks of one owner share one Launcher call.
 */
export interface OwnerStatusInput {
  user_id: string;
  status: OwnerStatus;
  status_checked_at: Date | null;
  status_unreachable_since: Date | null;
}

export interface OwnerStatusVerdict {
  status: OwnerStatus;
  /** True when Launcher has been unreachable longer than the grace period. */
  unverifiable: boolean;
}

export interface OwnerStatusChecker {
  /** The status to enforce for this request (calls Launcher only when the cache is stale). */
  effectiveStatus(owner: OwnerStatusInput): Promise<OwnerStatusVerdict>;
}

const launcherUserSchema = z.union([
  z.object({ status: z.enum(OWNER_STATUSES) }).loose(),
  z.object({ user: z.object({ status: z.enum(OWNER_STATUSES) }).loose() }).loose().transform((v) => v.user),
]);

/** Don't retry an unreachable Launcher more often than this per owner. */
const RETRY_AFTER_FAILURE_MS = 2_000;

export function createOwnerStatusChecker(
  config: Config["launcher"],
  sql: Sql,
  logger: Logger,
  fetchImpl: typeof fetch = fetch,
): OwnerStatusChecker {
  const apiUrl = config.apiUrl;
  if (!apiUrl) return { effectiveStatus: async (owner) => ({ status: owner.status, unverifiable: false }) };
  const ttlMs = config.ownerStatusTtlS * 1000;
  const graceMs = config.ownerStatusGraceS * 1000;
  const inflight = new Map<string, Promise<OwnerStatusVerdict>>();
  const lastFailure = new Map<string, number>();

  async function ask(userId: string): Promise<OwnerStatus | null> {
    try {
      const res = await fetchImpl(`${apiUrl}/internal/v1/users/${encodeURIComponent(userId)}`, {
        headers: { Accept: "application/json", ...(config.apiToken ? { Authorization: `Bearer ${config.apiToken}` } : {}) },
        signal: AbortSignal.timeout(3000),
      });
      // Launcher does not know this user (any more): treat as blocked, never as active.
      if (res.status === 404) return "blocked";
      if (!res.ok) {
        logger.warn({ user_id: userId, status: res.status }, "launcher owner status check failed");
        return null;
      }
      const parsed = launcherUserSchema.safeParse(await res.json());
      if (!parsed.success) {
        logger.warn({ user_id: userId }, "launcher owner status answer not understood");
        return null;
      }
      return parsed.data.status;
    } catch (error) {
      logger.warn({ user_id: userId, err: (error as Error).message }, "launcher unreachable for owner status");
      return null;
    }
  }

  async function refresh(owner: OwnerStatusInput): Promise<OwnerStatusVerdict> {
    const answer = await ask(owner.user_id);
    if (answer !== null) {
      lastFailure.delete(owner.user_id);
      await applyOwnerStatus(sql, owner.user_id, answer);
      return { status: answer, unverifiable: false };
    }
    lastFailure.set(owner.user_id, Date.now());
    const since = await markOwnerStatusUnreachable(sql, owner.user_id);
    return { status: owner.status, unverifiable: Date.now() - since.getTime() > graceMs };
  }

  return {
    async effectiveStatus(owner) {
      const checked = owner.status_checked_at?.getTime() ?? 0;
      if (Date.now() - checked < ttlMs) return { status: owner.status, unverifiable: false };
      const failedAt = lastFailure.get(owner.user_id);
      if (failedAt !== undefined && Date.now() - failedAt < RETRY_AFTER_FAILURE_MS) {
        const since = owner.status_unreachable_since?.getTime() ?? failedAt;
        return { status: owner.status, unverifiable: Date.now() - since > graceMs };
      }
      let pending = inflight.get(owner.user_id);
      if (!pending) {
        pending = refresh(owner).finally(() => inflight.delete(owner.user_id));
        inflight.set(owner.user_id, pending);
      }
      return pending;
    },
  };
}
