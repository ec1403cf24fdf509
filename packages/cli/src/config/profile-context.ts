import { assertProfileName, gatewayOrigin, normalizeGatewayUrl, readProfile, type Profile } from "./profiles";
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

export function resolveProfileToken(deps: Deps, ctx: ProfileContext): Promise<ResolvedToken | null> {
  return resolveToken(deps.tokenStore(), ctx.account);
}

export const PAIR_STEP = "Ask your Tasker owner for a pairing code, then run: npx nodedc-tasker pair <code> --gateway <gateway URL>";
