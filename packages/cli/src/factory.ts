import os from "node:os";
import { resolveConfigDir, type PlatformInfo } from "./config/paths";
import { createGatewayClient, type GatewayClient } from "./gateway-client/gateway-client";
import { createPrinter, type OutputStreams, type Printer } from "./output/printer";
import { createNativeKeychain, type Keychain } from "./token-store/keychain";
import type { TokenStoreDeps } from "./token-store/token-store";
import { CLI_NAME, CLI_VERSION } from "./version";

/**
 * Everything a command touches outside its own logic, supplied lazily (gh's factory): tests
 * build one with their own env, dirs, streams and keychain; nothing here does I/O until used.
 */
export interface Deps extends PlatformInfo {
  streams: OutputStreams;
  printer: Printer;
  configDir: string;
  hostname: string;
  /** This CLI's own script path (process.argv[1]); decides the launcher. */
  scriptPath: string;
  nodePath: string;
  now: () => Date;
  keychain: () => Keychain;
  gateway: (baseUrl: string, token?: () => Promise<string>) => GatewayClient;
  tokenStore: () => TokenStoreDeps;
}

export interface FactoryOptions {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  homedir?: string;
  hostname?: string;
  streams?: OutputStreams;
  scriptPath?: string;
  nodePath?: string;
  now?: () => Date;
  keychain?: Keychain;
}

export const USER_AGENT = `${CLI_NAME}/${CLI_VERSION} node/${process.versions.node} (${process.platform}; ${process.arch})`;

export function createDeps(options: FactoryOptions = {}): Deps {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const homedir = options.homedir ?? os.homedir();
  const streams = options.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const configDir = resolveConfigDir({ env, platform, homedir });
  let keychain: Keychain | undefined = options.keychain;
  const getKeychain = () => (keychain ??= createNativeKeychain({ env, platform }));
  return {
    env,
    platform,
    homedir,
    streams,
    printer: createPrinter(streams, env),
    configDir,
    hostname: options.hostname ?? os.hostname(),
    scriptPath: options.scriptPath ?? process.argv[1] ?? "",
    nodePath: options.nodePath ?? process.execPath,
    now: options.now ?? (() => new Date()),
    keychain: getKeychain,
    gateway: (baseUrl, token) =>
      createGatewayClient({
        baseUrl,
        userAgent: USER_AGENT,
        ...(token ? { token } : {}),
      }),
    tokenStore: () => ({ env, configDir, keychain: getKeychain }),
  };
}
