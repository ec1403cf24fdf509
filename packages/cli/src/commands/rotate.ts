import { Command } from "commander";
import { DEFAULT_PROFILE } from "../config/profiles";
import { CliError } from "../errors";
import type { Deps } from "../factory";
import { explainGatewayFailure } from "../gateway-client/error-messages";
import { GatewayError, GatewayUnreachableError } from "../gateway-client/gateway-client";
import { rotateProfileToken } from "../rotation/rotate-profile-token";
import { loadProfileContext, PAIR_STEP } from "../config/profile-context";

export interface RotateOptions {
  profile: string;
  json: boolean;
}

export interface RotateSummary {
  profile: string;
  rotated: boolean;
  token: { id: string; masked: string; expires_at: string | null; location: string | null; use_from: string | null };
  previous: { masked: string } | null;
}

/**
 * `nodedc-tasker rotate`: a new token for this profile now, without a new pairing. The new
 * token is stored where the old one was before anything uses it; running `mcp` processes
 * switch to it by themselves. Prints where it went, never the token.
 */
export async function runRotate(opts: RotateOptions, deps: Deps): Promise<RotateSummary> {
  const { printer } = deps;
  const ctx = await loadProfileContext(deps, opts.profile);
  if (!ctx.profile || !ctx.gatewayUrl) throw new CliError(`Profile ${ctx.name} is not paired.`, { code: "not_paired", hint: PAIR_STEP });
  let outcome;
  try {
    outcome = await rotateProfileToken(deps, ctx, { onlyIfDue: false, expectedTokenId: null });
  } catch (error) {
    if (error instanceof GatewayError || error instanceof GatewayUnreachableError) {
      throw new CliError(`The token was not rotated: ${explainGatewayFailure(error, { gatewayUrl: ctx.gatewayUrl })}`, {
        code: error instanceof GatewayError ? error.code : "gateway_unreachable",
        hint: "The current token is unchanged.",
      });
    }
    throw error;
  }
  if (outcome.kind === "store_failed") {
    throw new CliError(`The new token could not be stored (${outcome.message}); the current token is kept and still works.`, {
      code: "store_failed",
      hint: outcome.successorRevoked
        ? "The new token was revoked. Fix the keychain, then run rotate again."
        : "The new token could not be revoked: ask your Tasker owner to revoke the unused token of this agent, then run rotate again.",
    });
  }
  if (outcome.kind !== "rotated") throw new CliError("The token was not rotated.", { code: "not_rotated" });
  const summary: RotateSummary = {
    profile: ctx.name,
    rotated: true,
    token: { id: outcome.tokenId, masked: `ndca_…${outcome.last4}`, expires_at: outcome.expiresAt, location: outcome.location, use_from: outcome.useFrom.toISOString() },
    previous: { masked: `ndca_…${outcome.previousLast4}` },
  };
  if (opts.json) printer.json(summary);
  else {
    printer.success(`Rotated the agent token of profile ${ctx.name}: now ${summary.token.masked}${outcome.expiresAt ? `, expires ${outcome.expiresAt}` : ""}.`);
    printer.info(`  Stored in ${outcome.location}.`);
    printer.info(`  ${summary.previous!.masked} keeps working until the new token is first used; running nodedc-tasker mcp processes switch by themselves.`);
  }
  return summary;
}

export function rotateCommand(run: (opts: RotateOptions) => Promise<unknown>): Command {
  return new Command("rotate")
    .description("Replace the stored agent token with a new one now (no new pairing; the old one ends at the new one's first use)")
    .option("--profile <name>", "profile", DEFAULT_PROFILE)
    .option("--json", "machine-readable output on stdout", false)
    .action(async (options: RotateOptions) => {
      await run(options);
    });
}
