/**
 * Runs token-store operations against the real OS keychain inside a child process (the
 * keychain tests start it under `dbus-run-session` with a fresh gnome-keyring). Prints one
 * JSON line per step; never the token itself, only whether values matched.
 */
import { createNativeKeychain } from "./keychain";
import { deleteToken, resolveToken, storeToken, type StorageChoice, type TokenStoreDeps } from "./token-store";

const [configDir, account, token, storage, steps] = process.argv.slice(2) as [string, string, string, StorageChoice, string];
const keychain = createNativeKeychain({ env: process.env, platform: process.platform, timeoutMs: 4_000 });
const deps: TokenStoreDeps = { env: { ...process.env, NODEDC_TASKER_TOKEN: "" }, configDir, keychain: () => keychain };
const out = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

for (const step of steps.split(",")) {
  try {
    if (step === "store") {
      const r = await storeToken(deps, account, token, storage);
      out({ step, storage: r.storage, location: r.location, warning: r.warning ?? null });
    } else if (step === "resolve") {
      const r = await resolveToken(deps, account);
      out({ step, source: r?.source ?? null, matches: r?.token === token, notes: r?.notes ?? [] });
    } else if (step === "delete") {
      out({ step, ...(await deleteToken(deps, account)) });
    } else if (step === "get") {
      const value = await keychain.get(account);
      out({ step, found: value !== null, matches: value === token });
    }
  } catch (error) {
    out({ step, error: (error as Error).message, kind: (error as { kind?: string }).kind ?? null, code: (error as { code?: string }).code ?? null });
  }
}
process.exit(0);
