import { promises as fs } from "node:fs";
import { Command } from "commander";
import { removeClientConfig, type ClientWrite } from "../client-config/client-configs";
import { DEFAULT_PROFILE, deleteProfile, type ClientName } from "../config/profiles";
import { CliError } from "../errors";
import type { Deps } from "../factory";
import { GatewayError, GatewayUnreachableError } from "../gateway-client/gateway-client";
import { toolCachePath } from "../mcp/tool-cache";
import { deleteToken, resolveToken, type DeleteResult } from "../token-store/token-store";
import { loadProfileContext } from "../config/profile-context";

export interface UnpairOptions {
  profile: string;
  keepConfig: boolean;
  json: boolean;
}

export interface UnpairSummary {
  profile: string;
  gateway_url: string | null;
  revoked: "revoked" | "already_invalid" | "unreachable" | "no_token" | "failed";
  revoke_detail?: string;
  local_token: DeleteResult | null;
  clients: ClientWrite[];
}

/**
 * Revokes the stored token at the gateway, then deletes it locally and removes exactly the
 * client entries `pair` wrote. The local part runs even when the gateway is unreachable.
 */
export async function runUnpair(opts: UnpairOptions, deps: Deps): Promise<UnpairSummary> {
  const { printer } = deps;
  const ctx = await loadProfileContext(deps, opts.profile);
  if (!ctx.profile && !ctx.gatewayUrl) {
    throw new CliError(`Profile ${ctx.name} is not paired; nothing to do.`, { code: "not_paired" });
  }
  const summary: UnpairSummary = { profile: ctx.name, gateway_url: ctx.gatewayUrl, revoked: "no_token", local_token: null, clients: [] };
  // The stored token, not NODEDC_TASKER_TOKEN: unpair undoes what pair stored.
  const storeDeps = { ...deps.tokenStore(), env: { ...deps.env, NODEDC_TASKER_TOKEN: "" } };
  const stored = ctx.account ? await resolveToken(storeDeps, ctx.account).catch(() => null) : null;

  if (stored && ctx.gatewayUrl) {
    try {
      const gateway = deps.gateway(ctx.gatewayUrl, async () => stored.token);
      // A token stored by a rotation and not used yet leaves the token it replaces valid:
      // one use retires that one first, then the revoke ends this one.
      if (ctx.profile?.token.use_from) await gateway.agentSession().catch(() => undefined);
      await gateway.revokeSession();
      summary.revoked = "revoked";
      printer.success(`Token ndca_…${stored.token.slice(-4)} revoked at ${ctx.gatewayUrl}`);
    } catch (error) {
      if (error instanceof GatewayError && error.code === "unauthenticated") {
        summary.revoked = "already_invalid";
        printer.success("The token was already revoked or expired at the gateway.");
      } else if (error instanceof GatewayUnreachableError) {
        summary.revoked = "unreachable";
        summary.revoke_detail = error.message;
        printer.warn(
          `Could not revoke the token: ${error.message} It is deleted locally anyway; ask your Tasker owner to revoke it (Agents → ${ctx.profile?.agent.display_name ?? "agent"} → Tokens) or run unpair again when online.`,
        );
      } else {
        summary.revoked = "failed";
        summary.revoke_detail = (error as Error).message;
        printer.warn(`The gateway did not revoke the token (${(error as Error).message}). It is deleted locally anyway.`);
      }
    }
  } else {
    printer.info("No stored token found; nothing to revoke.");
  }

  if (ctx.account) {
    summary.local_token = await deleteToken(deps.tokenStore(), ctx.account);
    const t = summary.local_token;
    printer.success(`Local token removed (keychain: ${t.keychain}, file: ${t.file})`);
    if (t.note) printer.warn(t.note);
  }

  if (!opts.keepConfig) {
    for (const [client, record] of Object.entries(ctx.profile?.clients ?? {})) {
      if (!record) continue;
      try {
        const result = await removeClientConfig(deps, client as ClientName, record);
        summary.clients.push(result);
        printer.success(`${client} config: ${result.change === "removed" ? `removed "${record.server_name}" from` : "nothing to remove in"} ${record.path}`);
      } catch (error) {
        printer.error(`${client} config ${record.path} left unchanged: ${(error as Error).message}`);
        summary.clients.push({ client: client as ClientName, path: record.path, change: "unchanged" });
      }
    }
  }
  await deleteProfile(deps.configDir, ctx.name);
  await fs.rm(toolCachePath(deps.configDir, ctx.name), { force: true });
  if (deps.env.NODEDC_TASKER_TOKEN) printer.warn("NODEDC_TASKER_TOKEN is still set in your environment; unset it too.");
  printer.info(`Unpaired profile ${ctx.name}.${opts.keepConfig ? " Client configs were kept (--keep-config)." : " Restart your MCP client."}`);
  if (opts.json) printer.json(summary);
  return summary;
}

export function unpairCommand(run: (opts: UnpairOptions) => Promise<unknown>): Command {
  return new Command("unpair")
    .description("Revoke this computer's token, delete it locally and remove the client entries pair wrote")
    .option("--profile <name>", "profile", DEFAULT_PROFILE)
    .option("--keep-config", "leave the client configs as they are", false)
    .option("--json", "machine-readable summary on stdout", false)
    .action(async (options: UnpairOptions) => {
      await run(options);
    });
}
