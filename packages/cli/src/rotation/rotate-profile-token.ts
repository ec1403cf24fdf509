import { randomUUID } from "node:crypto";
import { rotateTokenResponseSchema, tokenDisplay, type RotateTokenResponse } from "@nodedc/shared";
import { readProfile, writeProfile, type Profile } from "../config/profiles";
import { CliError } from "../errors";
import type { Deps } from "../factory";
import { GatewayError, GatewayUnreachableError } from "../gateway-client/gateway-client";
import { writeFileToken } from "../token-store/file-store";
import { KeychainError } from "../token-store/keychain";
import { resolveToken, TOKEN_ENV } from "../token-store/token-store";
import type { ProfileContext } from "../config/profile-context";
import { rotationDue, SWITCH_DELAY_MS } from "./rotation-schedule";
import { withRotationLock } from "./rotation-lock";

const ROTATE_ATTEMPTS = 3;

export type RotationOutcome =
  | { kind: "rotated"; token: string; tokenId: string; last4: string; previousLast4: string; expiresAt: string | null; location: string; useFrom: Date }
  /** Another process of the profile rotated first; its token is in the storage. */
  | { kind: "picked_up"; tokenId: string; last4: string }
  /** Not due any more (another process rotated and the new token is young). */
  | { kind: "not_due" }
  /** The new token could not be stored: the old one stays, the new one was revoked (if it could be). */
  | { kind: "store_failed"; message: string; successorRevoked: boolean };

export interface RotateOptions {
  /** Rotate only when less than a third of the life is left (what `mcp` does on its own). */
  onlyIfDue: boolean;
  /** The token id this process works with: a different stored one means another process rotated. */
  expectedTokenId: string | null;
  /** The token this process already holds (mcp): no second read of the keychain. */
  held?: { token: string; source: "keychain" | "file" };
}

async function askGateway(deps: Deps, gatewayUrl: string, oldToken: string): Promise<RotateTokenResponse> {
  const gateway = deps.gateway(gatewayUrl, async () => oldToken);
  const key = `rotate-${randomUUID()}`;
  for (let attempt = 1; ; attempt++) {
    try {
      return rotateTokenResponseSchema.parse((await gateway.rotateSession(key)).body);
    } catch (error) {
      // The answer may be lost after the gateway minted the token: the same key gets the same one back.
      const retry = error instanceof GatewayUnreachableError || (error instanceof GatewayError && error.retryable);
      if (!retry || attempt >= ROTATE_ATTEMPTS) throw error;
    }
  }
}

/** Writes the new token where the old one was; a keychain that does not keep it is a failure. */
async function storeRotated(deps: Deps, account: string, storage: "keychain" | "file", token: string): Promise<string> {
  if (storage === "file") return writeFileToken(deps.configDir, account, token);
  const keychain = deps.keychain();
  await keychain.set(account, token);
  if ((await keychain.get(account)) !== token) {
    throw new KeychainError("unavailable", `The ${keychain.label} did not keep the new token.`, "Check that the keyring is unlocked.");
  }
  return `${keychain.label} (service "nodedc-tasker", account "${account}")`;
}

/**
 * Rotates the profile's stored token, serialised per profile with the other processes of
 * this machine. Order: ask the gateway → store the new token in the same storage → record
 * it in the profile. The new token is never used before it is stored; if it cannot be
 * stored, the old one is put back and the new one revoked with itself.
 */
export async function rotateProfileToken(deps: Deps, ctx: ProfileContext, opts: RotateOptions): Promise<RotationOutcome> {
  if (!ctx.gatewayUrl || !ctx.account) throw new CliError(`Profile "${ctx.name}" is not paired.`, { code: "not_paired" });
  const gatewayUrl = ctx.gatewayUrl;
  const account = ctx.account;
  return withRotationLock(deps.configDir, ctx.name, async () => {
    const profile: Profile | null = await readProfile(deps.configDir, ctx.name);
    if (!profile) throw new CliError(`Profile "${ctx.name}" is not paired.`, { code: "not_paired" });
    if (opts.expectedTokenId !== null && profile.token.id !== opts.expectedTokenId) {
      return { kind: "picked_up", tokenId: profile.token.id, last4: profile.token.last4 };
    }
    if (opts.onlyIfDue && !rotationDue(profile.token, deps.now())) return { kind: "not_due" };
    const resolved = opts.held ?? (await resolveToken(deps.tokenStore(), account));
    if (!resolved) throw new CliError(`No stored agent token for profile "${ctx.name}".`, { code: "no_token" });
    if (resolved.source === "env") {
      throw new CliError(`The token comes from ${TOKEN_ENV}, which nodedc-tasker cannot rewrite.`, {
        code: "token_from_env",
        hint: `Rotate it where it is kept: unset ${TOKEN_ENV} to rotate the stored token, or ask your Tasker owner for a new one.`,
      });
    }
    const oldToken = resolved.token;
    const answer = await askGateway(deps, gatewayUrl, oldToken);

    let location: string;
    try {
      location = await storeRotated(deps, account, resolved.source, answer.token);
    } catch (error) {
      if (resolved.source === "keychain") await deps.keychain().set(account, oldToken).catch(() => undefined);
      let successorRevoked = true;
      try {
        // Not a first use: the old token keeps working (the gateway's revoke route says so).
        await deps.gateway(gatewayUrl, async () => answer.token).revokeSession();
      } catch {
        successorRevoked = false;
      }
      const why = error instanceof KeychainError ? `${error.message} ${error.hint}` : (error as Error).message;
      return { kind: "store_failed", message: why, successorRevoked };
    }

    const now = deps.now();
    const useFrom = new Date(now.getTime() + SWITCH_DELAY_MS);
    const { last4 } = tokenDisplay(answer.token);
    await writeProfile(deps.configDir, ctx.name, {
      ...profile,
      token: { id: answer.token_id, last4, expires_at: answer.expires_at, issued_at: now.toISOString(), use_from: useFrom.toISOString() },
    });
    return {
      kind: "rotated",
      token: answer.token,
      tokenId: answer.token_id,
      last4,
      previousLast4: oldToken.slice(-4),
      expiresAt: answer.expires_at,
      location,
      useFrom,
    };
  });
}
