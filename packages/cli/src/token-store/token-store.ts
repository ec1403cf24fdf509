import { isWellFormedAgentToken } from "../contract-leaves";
import { DEFAULT_PROFILE } from "../config/profiles";
import { CliError } from "../errors";
import { deleteFileToken, readFileToken, writeFileToken } from "./file-store";
import { KeychainError, type Keychain } from "./keychain";

export type TokenSource = "env" | "keychain" | "file";
export type StorageChoice = "auto" | "keychain" | "file";

export const TOKEN_ENV = "NODEDC_TASKER_TOKEN";

export interface TokenStoreDeps {
  env: NodeJS.ProcessEnv;
  configDir: string;
  /** Resolved lazily: `mcp` with NODEDC_TASKER_TOKEN never touches the keychain. */
  keychain: () => Keychain;
}

export interface ResolvedToken {
  token: string;
  source: TokenSource;
  /** Why an earlier source was skipped (e.g. keychain locked), for `status`/`doctor`. */
  notes: string[];
}

/** Keychain account: the gateway origin, plus `#<profile>` for profiles other than the default. */
export function keychainAccount(gatewayOrigin: string, profile: string): string {
  return profile === DEFAULT_PROFILE ? gatewayOrigin : `${gatewayOrigin}#${profile}`;
}

/** Token source order (DESIGN §10): NODEDC_TASKER_TOKEN → OS keychain → 0600 file. */
export async function resolveToken(deps: TokenStoreDeps, account: string | null): Promise<ResolvedToken | null> {
  const notes: string[] = [];
  const fromEnv = deps.env[TOKEN_ENV]?.trim();
  if (fromEnv) {
    if (!isWellFormedAgentToken(fromEnv)) {
      throw new CliError(`${TOKEN_ENV} is set but is not a valid agent token (ndca_…, checksum mismatch).`, {
        code: "token_invalid",
        hint: `Copy the token again or unset ${TOKEN_ENV} to use the stored one.`,
      });
    }
    return { token: fromEnv, source: "env", notes };
  }
  if (account === null) return null;
  let keychainFailure: KeychainError | null = null;
  try {
    const fromKeychain = await deps.keychain().get(account);
    if (fromKeychain) return { token: fromKeychain, source: "keychain", notes };
  } catch (error) {
    keychainFailure = error instanceof KeychainError ? error : new KeychainError("unavailable", String(error), "");
    notes.push(keychainFailure.message);
  }
  const fromFile = await readFileToken(deps.configDir, account);
  if (fromFile) return { token: fromFile, source: "file", notes };
  if (keychainFailure) {
    // The token is most likely in that keychain: say so rather than "not paired".
    throw new CliError(`The agent token could not be read: ${keychainFailure.message}`, {
      code: `keychain_${keychainFailure.kind}`,
      hint: `${keychainFailure.hint} (Or set ${TOKEN_ENV}.)`,
    });
  }
  return null;
}

export interface StoreResult {
  storage: "keychain" | "file";
  /** Where, for humans: "Secret Service keyring (service nodedc-tasker, account …)" or the file path. */
  location: string;
  /** Set when the keychain failed and the file fallback was used. */
  warning?: string;
}

export async function storeToken(
  deps: TokenStoreDeps,
  account: string,
  token: string,
  choice: StorageChoice,
): Promise<StoreResult> {
  if (choice !== "file") {
    const keychain = deps.keychain();
    try {
      await keychain.set(account, token);
      const check = await keychain.get(account);
      if (check !== token) throw new KeychainError("unavailable", `The ${keychain.label} did not keep the token.`, "Check that the keyring is unlocked.");
      await deleteFileToken(deps.configDir, account); // no stale copy that could shadow or leak
      return { storage: "keychain", location: `${keychain.label} (service "nodedc-tasker", account "${account}")` };
    } catch (error) {
      const failure = error instanceof KeychainError ? error : new KeychainError("unavailable", String(error), "");
      if (choice === "keychain") {
        throw new CliError(`${failure.message} --storage keychain refuses the file fallback, so the token was not stored.`, {
          code: `keychain_${failure.kind}`,
          hint: `${failure.hint} Then run pair again with a new pairing code (this one is used up), or choose --storage file.`,
        });
      }
      const file = await writeFileToken(deps.configDir, account, token);
      return {
        storage: "file",
        location: file,
        warning:
          `${failure.message} The token was written to ${file} (mode 0600) instead: anyone who can read your files ` +
          `can act as this agent. ${failure.hint}`,
      };
    }
  }
  const file = await writeFileToken(deps.configDir, account, token);
  try {
    await deps.keychain().delete(account);
  } catch {
    // no keychain: nothing there to shadow the file
  }
  return {
    storage: "file",
    location: file,
    warning: `The token is stored in ${file} (mode 0600), not in the OS keychain: anyone who can read your files can act as this agent.`,
  };
}

export interface DeleteResult {
  keychain: "deleted" | "absent" | "unavailable";
  file: "deleted" | "absent";
  note?: string;
}

export async function deleteToken(deps: TokenStoreDeps, account: string): Promise<DeleteResult> {
  let keychain: DeleteResult["keychain"];
  let note: string | undefined;
  try {
    keychain = (await deps.keychain().delete(account)) ? "deleted" : "absent";
  } catch (error) {
    keychain = "unavailable";
    note = error instanceof KeychainError ? `${error.message} ${error.hint}` : String(error);
  }
  const file = (await deleteFileToken(deps.configDir, account)) ? "deleted" : "absent";
  return note === undefined ? { keychain, file } : { keychain, file, note };
}
