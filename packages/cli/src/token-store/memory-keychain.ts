import { KeychainError, type Keychain } from "./keychain";

/**
 * An in-process keychain with the same contract as the OS one, for tests that are not
 * about the OS keychain (keychain.int.test.ts covers the real one). `fail` makes every
 * call fail the way a locked or absent keychain does.
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
