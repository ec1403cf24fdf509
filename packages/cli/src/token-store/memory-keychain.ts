import { KeychainError, type Keychain } from "./keychain";

/**
 * An in-process keychain with the same contract as the OS one (used by tests and by
 * `--storage file` runs that must never touch the OS keychain). `fail` makes every call
 * fail the way a locked or absent keychain does.
 */
export function createMemoryKeychain(options: { fail?: KeychainError } = {}): Keychain & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const guard = () => {
    if (options.fail) throw options.fail;
  };
  return {
    label: "test keychain",
    entries,
    get: async (account) => {
      guard();
      return entries.get(account) ?? null;
    },
    set: async (account, secret) => {
      guard();
      entries.set(account, secret);
    },
    delete: async (account) => {
      guard();
      return entries.delete(account);
    },
  };
}
