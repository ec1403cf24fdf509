import { assertProfileName, gatewayOrigin, normalizeGatewayUrl, readProfile, type Profile } from "./profiles";
import { withRotationLock } from "../rotation/rotation-lock";
import { SWITCH_DELAY_MS } from "../rotation/rotation-schedule";
import type { Deps } from "../factory";
import { keychainAccount, resolveToken, type ResolvedToken } from "../token-store/token-store";

/** The profile, the gateway URL to use and the keychain account, without touching the network. */
export interface ProfileContext {
  name: string;
  profile: Profile | null;
  gatewayUrl: string | null;
  /** Where the gateway URL came from. */
  gatewaySource: "env" | "profile" | null;
  account: string | null;
}

export async function loadProfileContext(deps: Deps, profileName: string): Promise<ProfileContext> {
  const name = assertProfileName(profileName);
  const profile = await readProfile(deps.configDir, name);
  const envGateway = deps.env.NODEDC_TASKER_GATEWAY?.trim();
  const gatewayUrl = envGateway ? normalizeGatewayUrl(envGateway) : (profile?.gateway_url ?? null);
  return {
    name,
    profile,
    gatewayUrl,
    gatewaySource: envGateway ? "env" : profile ? "profile" : null,
    // The token is stored under the gateway it was paired with, even when NODEDC_TASKER_GATEWAY
    // now points elsewhere (a moved gateway, or a test of the offline path).
    account: profile ? keychainAccount(gatewayOrigin(profile.gateway_url), name) : gatewayUrl ? keychainAccount(gatewayOrigin(gatewayUrl), name) : null,
  };
}

/**
 * The token to use now. A stored token that a rotation wrote is not used before its
 * `use_from` (rotation/rotate-profile-token.ts says why), and a stored token the profile does
 * not name yet belongs to a rotation still in progress: wait for its lock, then read again.
 * `ctx.profile` is updated to what was read.
 */
export async function resolveProfileToken(deps: Deps, ctx: ProfileContext): Promise<ResolvedToken | null> {
  let resolved = await resolveToken(deps.tokenStore(), ctx.account);
  if (!resolved || resolved.source === "env" || !ctx.profile) return resolved;
  if (resolved.token.slice(-4) !== ctx.profile.token.last4) {
    await withRotationLock(deps.configDir, ctx.name, async () => undefined);
    ctx.profile = (await readProfile(deps.configDir, ctx.name)) ?? ctx.profile;
    resolved = await resolveToken(deps.tokenStore(), ctx.account);
    if (!resolved) return null;
  }
  const wait = Date.parse(ctx.profile.token.use_from ?? "") - deps.now().getTime();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, SWITCH_DELAY_MS)));
  return resolved;
}

export const PAIR_STEP = "Ask your Tasker owner for a pairing code, then run: npx nodedc-tasker pair <code> --gateway <gateway URL>";
