/**
 * The OS keychain behind a small interface, so the token store can be tested with the real
 * Secret Service (see keychain.int.test.ts) and commands can run without one.
 *
 * `@napi-rs/keyring` is native and loaded lazily (dynamic import) on first use: `mcp`
 * started with NODEDC_TASKER_TOKEN never loads it. On Linux the entry is pinned to the
 * Secret Service: the library's automatic fallback is the kernel keyutils keyring, which
 * forgets the token at reboot and is not shared with the processes Codex spawns.
 * Every call has a timeout because a Secret Service without a session (no unlock prompt
 * possible) can hang forever.
 */
export const KEYCHAIN_SERVICE = "nodedc-tasker";
export const KEYCHAIN_TIMEOUT_MS = 5_000;

export type KeychainFailureKind = "unavailable" | "locked" | "timeout";

export class KeychainError extends Error {
  constructor(
    readonly kind: KeychainFailureKind,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "KeychainError";
  }
}

export interface Keychain {
  /** Human name of the backend: "Secret Service", "macOS Keychain", "Windows Credential Manager". */
  readonly label: string;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** True when something was deleted. */
  delete(account: string): Promise<boolean>;
}

export function keychainLabel(platform: NodeJS.Platform): string {
  if (platform === "darwin") return "macOS Keychain";
  if (platform === "win32") return "Windows Credential Manager";
  return "Secret Service keyring";
}

export function sessionBusHint(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  if (platform !== "linux") return "Unlock your keychain and try again.";
  if (!env.DBUS_SESSION_BUS_ADDRESS) {
    return (
      "DBUS_SESSION_BUS_ADDRESS is not set, so the Secret Service (gnome-keyring, KWallet, KeePassXC) cannot be reached. " +
      "Run from a desktop session, or start one: dbus-run-session -- bash, then " +
      "echo -n <password> | gnome-keyring-daemon --unlock --components=secrets."
    );
  }
  return "Make sure a Secret Service (gnome-keyring, KWallet, KeePassXC) is running and unlocked.";
}

/** Classifies a native keychain error into something a human can act on. */
export function classifyKeychainError(error: unknown, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): KeychainError {
  if (error instanceof KeychainError) return error;
  const text = String((error as Error)?.message ?? error);
  const label = keychainLabel(platform);
  if (/lock|prompt|dismiss|denied|cancel|interaction/i.test(text) && !/autolaunch|DBUS_SESSION_BUS_ADDRESS/i.test(text)) {
    return new KeychainError("locked", `The ${label} is locked (${firstLine(text)}).`, unlockHint(platform));
  }
  return new KeychainError("unavailable", `The ${label} is not reachable (${firstLine(text)}).`, sessionBusHint(env, platform));
}

function unlockHint(platform: NodeJS.Platform): string {
  if (platform === "linux") {
    return "Unlock the keyring (log in to the desktop, or: echo -n <password> | gnome-keyring-daemon --unlock).";
  }
  return "Unlock your keychain and try again.";
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.slice(0, 200);
}

function withTimeout<T>(work: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new KeychainError(
            "timeout",
            `The ${label} did not answer within ${Math.round(ms / 1000)} s.`,
            "The keyring is probably waiting for an unlock prompt that cannot be shown. Unlock it first.",
          ),
        ),
      ms,
    );
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

interface NativeAsyncEntry {
  getPassword(): Promise<string | null>;
  setPassword(password: string): Promise<void>;
  deletePassword(): Promise<boolean>;
}

/** The real keychain through `@napi-rs/keyring`'s AsyncEntry (runs off the main thread). */
export function createNativeKeychain(options: {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  timeoutMs?: number;
  service?: string;
}): Keychain {
  const { env, platform } = options;
  const timeoutMs = options.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
  const service = options.service ?? KEYCHAIN_SERVICE;
  const label = keychainLabel(platform);
  const entry = async (account: string): Promise<NativeAsyncEntry> => {
    if (platform === "linux" && !env.DBUS_SESSION_BUS_ADDRESS) {
      throw new KeychainError("unavailable", `The ${label} is not reachable (no session bus).`, sessionBusHint(env, platform));
    }
    let mod: typeof import("@napi-rs/keyring");
    try {
      mod = await import("@napi-rs/keyring");
    } catch (error) {
      throw new KeychainError(
        "unavailable",
        `The keychain binding could not be loaded on ${platform}-${process.arch} (${firstLine(String((error as Error).message))}).`,
        "Set NODEDC_TASKER_TOKEN instead.",
      );
    }
    return new mod.AsyncEntry(service, account, platform === "linux" ? { linux: { store: "secret-service" } } : undefined);
  };
  const run = async <T>(account: string, op: (e: NativeAsyncEntry) => Promise<T>): Promise<T> => {
    try {
      return await withTimeout(
        entry(account).then((e) => op(e)),
        timeoutMs,
        label,
      );
    } catch (error) {
      throw classifyKeychainError(error, env, platform);
    }
  };
  return {
    label,
    get: (account) => run(account, (e) => e.getPassword()),
    set: (account, secret) => run(account, (e) => e.setPassword(secret)),
    delete: (account) => run(account, (e) => e.deletePassword()),
  };
}
