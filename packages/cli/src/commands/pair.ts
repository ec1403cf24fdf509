import { promises as fs, constants as fsConstants } from "node:fs";
import { normalizePairingCode, pairingExchangeResponseSchema, tokenDisplay, type PairingExchangeResponse } from "@nodedc/shared";
import { Command, Option } from "commander";
import { CLIENT_NAMES, launchFor, preflightClientConfigs, writeClientConfig, type ClientWrite } from "../client-config/client-configs";
import type { LauncherChoice } from "../client-config/launcher";
import {
  assertProfileName,
  DEFAULT_PROFILE,
  gatewayOrigin,
  normalizeGatewayUrl,
  readProfile,
  serverNameFor,
  writeProfile,
  type ClientName,
  type Profile,
} from "../config/profiles";
import { CliError, UsageError } from "../errors";
import type { Deps } from "../factory";
import { explainGatewayFailure } from "../gateway-client/error-messages";
import { GatewayError, GatewayUnreachableError } from "../gateway-client/gateway-client";
import { deleteToken, keychainAccount, resolveToken, storeToken, type StorageChoice, type StoreResult } from "../token-store/token-store";
import { CLI_NAME, CLI_VERSION } from "../version";
import { describeGrantLines } from "./grant-lines";

export interface PairOptions {
  code: string;
  gateway?: string;
  client: string;
  device?: string;
  storage: StorageChoice;
  profile: string;
  launcher: LauncherChoice;
  json: boolean;
}

export interface PairSummary {
  profile: string;
  gateway_url: string;
  agent: { id: string; display_name: string };
  owner: { user_id: string; email: string | null };
  token: { id: string; masked: string; expires_at: string | null; storage: "keychain" | "file"; location: string };
  grants: PairingExchangeResponse["grants"];
  clients: ClientWrite[];
  warnings: string[];
  next_step: string;
}

export function parseClients(value: string): ClientName[] {
  const names = value.split(",").map((v) => v.trim().toLowerCase()).filter(Boolean);
  if (names.length === 1 && names[0] === "none") return [];
  for (const name of names) {
    if (!(CLIENT_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`Unknown client "${name}".`, "Use --client codex, claude, cursor, none, or a comma list such as codex,cursor.");
    }
  }
  if (names.length === 0) throw new UsageError("--client needs a value.");
  return [...new Set(names)] as ClientName[];
}

async function assertWritableDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    await fs.access(dir, fsConstants.W_OK);
  } catch (error) {
    throw new CliError(`The config directory ${dir} is not writable (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`, {
      code: "config_dir_unwritable",
      hint: "Fix its permissions, or set NODEDC_TASKER_HOME to a writable directory. The pairing code was not used.",
    });
  }
}

function pairingFailure(error: unknown, gatewayUrl: string): CliError {
  if (error instanceof GatewayError && error.code === "pairing_code_invalid") {
    return new CliError("The pairing code was not accepted: it is wrong, already used, or expired (codes are valid for 10 minutes and work once).", {
      code: "pairing_code_invalid",
      hint: "Ask your Tasker owner for a new pairing code (Tasker → Agents → Connect Codex) and run pair again.",
    });
  }
  if (error instanceof GatewayError && error.code === "rate_limited") {
    return new CliError(`Too many pairing attempts. Wait ${error.retryAfterS ?? 60} s and try again.`, { code: "rate_limited" });
  }
  if (error instanceof GatewayUnreachableError) {
    return new CliError(`Cannot reach the gateway at ${gatewayUrl} (${error.reason}). The pairing code was not used.`, {
      code: "gateway_unreachable",
      hint: "Check the --gateway URL and your network or VPN, then run the same command again.",
    });
  }
  return new CliError(explainGatewayFailure(error, { gatewayUrl }), { code: error instanceof GatewayError ? error.code : "failed" });
}

export async function runPair(opts: PairOptions, deps: Deps): Promise<PairSummary> {
  const { printer } = deps;
  const code = normalizePairingCode(opts.code);
  if (code === null) {
    throw new UsageError(
      `"${opts.code}" is not a pairing code.`,
      "A pairing code has 8 letters from BCDFGHJKLMNPQRSTVWXZ (no vowels, no digits), like BCDF-GHJK. Copy it again from Tasker.",
    );
  }
  const profileName = assertProfileName(opts.profile);
  const clients = parseClients(opts.client);
  const existing = await readProfile(deps.configDir, profileName).catch(() => null);
  const rawGateway = opts.gateway ?? deps.env.NODEDC_TASKER_GATEWAY ?? existing?.gateway_url;
  if (!rawGateway) {
    throw new UsageError("No gateway URL.", "Pass --gateway https://<your gateway> (the URL is shown next to the pairing code in Tasker).");
  }
  const gatewayUrl = normalizeGatewayUrl(rawGateway);

  // Everything that can fail locally fails before the single-use code is spent.
  await assertWritableDir(deps.configDir);
  await preflightClientConfigs(deps, clients);
  if (opts.storage === "keychain") {
    try {
      await deps.keychain().get(keychainAccount(gatewayOrigin(gatewayUrl), profileName));
    } catch (error) {
      const e = error as { message: string; hint?: string };
      throw new CliError(`${e.message} --storage keychain refuses the file fallback; the pairing code was not used.`, {
        code: "keychain_unavailable",
        hint: `${e.hint ?? ""} Or pair with --storage auto (falls back to a 0600 file) or --storage file.`.trim(),
      });
    }
  }

  const url = new URL(gatewayUrl);
  if (url.protocol === "http:" && !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) {
    printer.warn(`WARNING: ${gatewayUrl} is plain HTTP: the agent token will cross the network unencrypted. Use the https:// URL of the gateway.`);
  }
  printer.info(`Pairing with ${gatewayUrl} …`);
  const gateway = deps.gateway(gatewayUrl);
  let exchanged: PairingExchangeResponse;
  try {
    const response = await gateway.exchangePairingCode({
      code,
      device_name: (opts.device ?? deps.hostname).trim().slice(0, 120) || "unknown device",
      client: { name: CLI_NAME, version: CLI_VERSION, platform: `${deps.platform}-${process.arch}` },
    });
    const parsed = pairingExchangeResponseSchema.safeParse(response.body);
    if (!parsed.success) throw new CliError("The gateway's pairing answer has an unexpected shape; is --gateway pointing at a nodedc-tasker gateway?", { code: "unexpected_response" });
    exchanged = parsed.data;
  } catch (error) {
    throw error instanceof CliError ? error : pairingFailure(error, gatewayUrl);
  }

  const account = keychainAccount(gatewayOrigin(gatewayUrl), profileName);
  // The token this profile held before (re-pairing): revoked once the new one is stored,
  // so no forgotten credential stays valid.
  const previousAccount = existing ? keychainAccount(gatewayOrigin(existing.gateway_url), profileName) : null;
  const storeDeps = deps.tokenStore();
  const previous = previousAccount
    ? await resolveToken({ ...storeDeps, env: { ...storeDeps.env, NODEDC_TASKER_TOKEN: "" } }, previousAccount).catch(() => null)
    : null;
  const stored: StoreResult = await storeToken(storeDeps, account, exchanged.token, opts.storage);
  const warnings: string[] = [];
  if (stored.warning) warnings.push(stored.warning);
  if (previous && existing && previous.token !== exchanged.token) {
    if (previousAccount !== account) await deleteToken(storeDeps, previousAccount!).catch(() => undefined);
    try {
      await deps.gateway(existing.gateway_url, async () => previous.token).revokeSession();
      printer.success(`Previous token ndca_…${previous.token.slice(-4)} of this profile revoked`);
    } catch (error) {
      if (!(error instanceof GatewayError && error.code === "unauthenticated")) {
        warnings.push(`The previous token ndca_…${previous.token.slice(-4)} could not be revoked (${(error as Error).message}); ask your Tasker owner to revoke it.`);
      }
    }
  }

  const serverName = serverNameFor(profileName);
  const launch = launchFor(deps, profileName, opts.launcher);
  const profile: Profile = {
    gateway_url: gatewayUrl,
    agent: exchanged.agent,
    owner: exchanged.owner,
    token: { id: exchanged.token_id, last4: tokenDisplay(exchanged.token).last4, expires_at: exchanged.expires_at, issued_at: deps.now().toISOString() },
    grants: exchanged.grants,
    storage: stored.storage,
    clients: {},
    paired_at: deps.now().toISOString(),
  };
  // Entries written earlier for clients not chosen this time stay recorded, so unpair still removes them.
  for (const [client, record] of Object.entries(existing?.clients ?? {})) {
    profile.clients[client as ClientName] = record;
  }

  const writes: ClientWrite[] = [];
  let clientFailure: CliError | null = null;
  for (const client of clients) {
    try {
      const write = await writeClientConfig(deps, client, serverName, launch);
      writes.push(write);
      profile.clients[client] = { path: write.path, server_name: serverName, ...(write.method ? { method: write.method } : {}) };
    } catch (error) {
      clientFailure = error instanceof CliError ? error : new CliError(String((error as Error).message));
      break;
    }
  }
  await writeProfile(deps.configDir, profileName, profile);

  const nextStep = clients.length === 0
    ? `Add the MCP server to your client yourself: ${[launch.command, ...launch.args].join(" ")}`
    : `Restart ${clients.map(clientLabel).join(" / ")} so it starts the nodedc-tasker MCP server, then ask it: "use nodedc-tasker whoami".`;
  const summary: PairSummary = {
    profile: profileName,
    gateway_url: gatewayUrl,
    agent: exchanged.agent,
    owner: exchanged.owner,
    token: {
      id: exchanged.token_id,
      masked: tokenDisplay(exchanged.token).masked,
      expires_at: exchanged.expires_at,
      storage: stored.storage,
      location: stored.location,
    },
    grants: exchanged.grants,
    clients: writes,
    warnings,
    next_step: nextStep,
  };

  for (const warning of warnings) printer.warn(`WARNING: ${warning}`);
  printer.success(`Paired as ${printer.bold(exchanged.agent.display_name)} (agent ${exchanged.agent.id})`);
  printer.info(`  Owner:    ${exchanged.owner.email ?? exchanged.owner.user_id}`);
  printer.info(`  Gateway:  ${gatewayUrl}${profileName === DEFAULT_PROFILE ? "" : `  (profile ${profileName})`}`);
  printer.info(`  Projects:${exchanged.grants.length === 0 ? " none granted yet" : ""}`);
  for (const line of describeGrantLines(exchanged.grants)) printer.info(`    ${line}`);
  printer.info(`  Token:    ${summary.token.masked}${exchanged.expires_at ? `, expires ${exchanged.expires_at}` : ""}`);
  printer.info(`            stored in ${stored.location}`);
  for (const write of writes) {
    printer.success(`${clientLabel(write.client)} config ${write.change}: ${write.path} (server "${serverName}", ${launch.launcher} launcher)`);
  }
  if (clientFailure) {
    printer.error(`The agent is paired and the token stored, but a client config was not written: ${clientFailure.message}`);
    throw new CliError(clientFailure.message, {
      code: clientFailure.code,
      hint: `${clientFailure.hint ?? ""} After fixing it, add the server by hand: ${[launch.command, ...launch.args].join(" ")}`.trim(),
    });
  }
  printer.info("");
  printer.info(`Next: ${nextStep}`);
  if (opts.json) printer.json(summary);
  return summary;
}

export function clientLabel(client: ClientName): string {
  return client === "codex" ? "Codex" : client === "claude" ? "Claude Code" : "Cursor";
}

export function pairCommand(run: (opts: PairOptions) => Promise<unknown>): Command {
  return new Command("pair")
    .description("Exchange a pairing code for an agent token, store it safely and configure your MCP client")
    .argument("<code>", "pairing code from Tasker, e.g. BCDF-GHJK")
    .option("--gateway <url>", "gateway URL (default: $NODEDC_TASKER_GATEWAY or the remembered one)")
    .addOption(new Option("--client <name>", "client to configure: codex, claude, cursor, none (comma list allowed)").default("codex"))
    .option("--device <name>", "device name shown to the owner (default: this host's name)")
    .addOption(new Option("--storage <where>", "token storage").choices(["auto", "keychain", "file"]).default("auto"))
    .addOption(new Option("--launcher <how>", "how the client starts the server: npx (published package), node (this checkout), auto").choices(["auto", "npx", "node"]).default("auto"))
    .option("--profile <name>", "profile for a second agent or gateway", DEFAULT_PROFILE)
    .option("--json", "print a machine-readable summary (never the token) to stdout", false)
    .action(async (code: string, options: Omit<PairOptions, "code">) => {
      await run({ ...options, code });
    });
}
