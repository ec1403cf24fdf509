import { PlaneError } from "../http/plane-error";
import type { ApiKeyRecord, UserRecord } from "../store/records";
import type { SandboxStore } from "../store/sandbox-store";

export interface Authenticated {
  apiKey: ApiKeyRecord;
  user: UserRecord;
}

/**
 * Plane's APIKeyAuthentication (§1): header `X-Api-Key` (any case); missing/empty → 401;
 * unknown, inactive or expired → 403 "Given API token is not valid". The request runs as the
 * key's user; `last_used` is updated. Plane does not look at `user.is_active` here: a
 * deactivated user's key authenticates, and their inactive memberships refuse the rest.
 */
export function authenticateApiKey(store: SandboxStore, headerValue: string | undefined, now: number): Authenticated {
  if (headerValue === undefined || headerValue === "") throw PlaneError.notAuthenticated();
  const apiKey = store.findApiKey(headerValue);
  if (!apiKey || !apiKey.isActive || (apiKey.expiredAt !== null && apiKey.expiredAt <= now)) throw PlaneError.invalidToken();
  const user = store.getUser(apiKey.userId);
  if (!user) throw PlaneError.invalidToken();
  apiKey.lastUsedAt = now;
  return { apiKey, user };
}
