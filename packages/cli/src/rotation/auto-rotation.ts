import type { Deps } from "../factory";
import type { ProfileContext } from "../config/profile-context";
import { redactSecrets } from "../errors";
import type { LiveToken } from "./live-token";
import { rotationDue } from "./rotation-schedule";

export interface AutoRotation {
  /** Cheap; starts the background rotation when it is due and has not run in this process. */
  maybeStart(): void;
  /** Settles when the rotation started by this process is over (tests, shutdown). */
  done(): Promise<void>;
}

/**
 * `mcp` rotates its token by itself once less than a third of its life is left, at most
 * once per start, in the background: the request that noticed it goes on with the current
 * token, which the gateway keeps accepting until the new one is first used.
 */
export function createAutoRotation(deps: Deps, ctx: ProfileContext, live: LiveToken, log: (line: string) => void): AutoRotation {
  let running: Promise<void> | null = null;

  async function rotate(): Promise<void> {
    const held = await live.current();
    if (!held || held.source === "env") return;
    // loaded when a rotation is due only: it parses the gateway's answer with the contract's zod schema
    const { rotateProfileToken } = await import("./rotate-profile-token");
    const outcome = await rotateProfileToken(deps, ctx, { onlyIfDue: true, expectedTokenId: live.tokenId, held: { token: held.token, source: held.source } });
    switch (outcome.kind) {
      case "rotated":
        live.adopt(outcome.token, outcome.tokenId, outcome.useFrom);
        log(
          `rotated the agent token (less than a third of its life was left): ndca_…${outcome.last4}` +
            `${outcome.expiresAt ? `, expires ${outcome.expiresAt}` : ""}, stored in ${outcome.location}; ` +
            `ndca_…${outcome.previousLast4} keeps working until the new one is first used`,
        );
        return;
      case "picked_up":
        log(`another nodedc-tasker process already rotated the agent token (now ndca_…${outcome.last4})`);
        return;
      case "not_due":
        return;
      case "store_failed":
        log(
          `rotation: the new token could not be stored (${outcome.message}); keeping the current token. ` +
            (outcome.successorRevoked
              ? "The new token was revoked with itself."
              : "The new token could not be revoked: ask your Tasker owner to revoke unused tokens of this agent.") +
            " Fix the keychain, then run: npx nodedc-tasker rotate",
        );
    }
  }

  return {
    maybeStart() {
      if (running || !ctx.profile || live.source === "env" || !rotationDue(ctx.profile.token, deps.now())) return;
      running = rotate().catch((error: unknown) => {
        log(redactSecrets(`automatic token rotation failed: ${(error as Error).message}. The current token keeps working; run: npx nodedc-tasker rotate`));
      });
    },
    done: () => running ?? Promise.resolve(),
  };
}
