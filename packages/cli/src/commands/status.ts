import { agentSessionSchema, healthzSchema, type AgentSession } from "@nodedc/shared";
import { Command } from "commander";
import { DEFAULT_PROFILE } from "../config/profiles";
import { CliError } from "../errors";
import type { Deps } from "../factory";
import { explainGatewayFailure } from "../gateway-client/error-messages";
import type { TokenSource } from "../token-store/token-store";
import { describeGrantLines } from "./grant-lines";
import { rotationView, type RotationView } from "../rotation/rotation-check";
import { loadProfileContext, PAIR_STEP, resolveProfileToken } from "../config/profile-context";

export interface StatusOptions {
  profile: string;
  json: boolean;
}

export interface StatusReport {
  ok: boolean;
  profile: string;
  paired: boolean;
  gateway: { url: string | null; source: "env" | "profile" | null; reachable: boolean | null; version: string | null; error: string | null };
  token: { source: TokenSource | null; masked: string | null; expires_at: string | null; valid: boolean | null; error: string | null; rotation: RotationView | null };
  agent: AgentSession["agent"] | null;
  owner: AgentSession["owner"] | null;
  grants: AgentSession["grants"];
  clients: Record<string, string>;
}

export async function collectStatus(opts: StatusOptions, deps: Deps): Promise<StatusReport> {
  const ctx = await loadProfileContext(deps, opts.profile);
  const report: StatusReport = {
    ok: false,
    profile: ctx.name,
    paired: ctx.profile !== null,
    gateway: { url: ctx.gatewayUrl, source: ctx.gatewaySource, reachable: null, version: null, error: null },
    token: { source: null, masked: null, expires_at: ctx.profile?.token.expires_at ?? null, valid: null, error: null, rotation: null },
    agent: null,
    owner: ctx.profile?.owner ?? null,
    grants: ctx.profile?.grants ?? [],
    clients: Object.fromEntries(Object.entries(ctx.profile?.clients ?? {}).map(([k, v]) => [k, v.path])),
  };
  if (!ctx.gatewayUrl) return report;
  let token: string | null = null;
  try {
    const resolved = await resolveProfileToken(deps, ctx);
    if (resolved) {
      token = resolved.token;
      report.token.source = resolved.source;
      report.token.masked = `ndca_…${resolved.token.slice(-4)}`;
    } else {
      report.token.error = "no token stored";
    }
  } catch (error) {
    report.token.error = (error as Error).message;
  }
  const gateway = deps.gateway(ctx.gatewayUrl, async () => token ?? "");
  try {
    const health = healthzSchema.safeParse((await gateway.healthz()).body);
    report.gateway.reachable = true;
    report.gateway.version = health.success ? health.data.version : null;
    if (!health.success) report.gateway.error = "/healthz answered, but not like a nodedc-tasker gateway";
  } catch (error) {
    report.gateway.reachable = false;
    report.gateway.error = explainGatewayFailure(error, { gatewayUrl: ctx.gatewayUrl });
  }
  if (token && report.gateway.reachable) {
    try {
      const session = agentSessionSchema.parse((await gateway.agentSession()).body);
      report.token.valid = true;
      report.token.expires_at = session.token.expires_at;
      report.agent = session.agent;
      report.owner = session.owner;
      report.grants = session.grants;
    } catch (error) {
      report.token.valid = false;
      report.token.error = explainGatewayFailure(error, { gatewayUrl: ctx.gatewayUrl });
    }
  }
  const obstacles = [
    ...(report.gateway.reachable === false ? ["the gateway is unreachable"] : []),
    ...(report.token.valid === false ? ["the gateway refuses the token"] : []),
  ];
  report.token.rotation = rotationView({ token: ctx.profile?.token ?? null, expiresAt: report.token.expires_at, source: report.token.source, obstacles, now: deps.now() });
  report.ok = report.gateway.reachable === true && report.token.valid === true && report.gateway.error === null;
  return report;
}

export async function runStatus(opts: StatusOptions, deps: Deps): Promise<StatusReport> {
  const report = await collectStatus(opts, deps);
  const { printer } = deps;
  if (opts.json) printer.json(report);
  else {
    if (!report.gateway.url) {
      printer.error(`Not paired (profile ${report.profile}).`);
      printer.info(`  ${PAIR_STEP}`);
    } else {
      printer.check(report.gateway.reachable === true && !report.gateway.error, `Gateway  ${report.gateway.url}${report.gateway.version ? ` (v${report.gateway.version})` : ""}${report.gateway.source === "env" ? " [NODEDC_TASKER_GATEWAY]" : ""}`);
      if (report.gateway.error) printer.info(`    ${report.gateway.error}`);
      const agent = report.agent;
      printer.check(report.token.valid === true, `Token    ${report.token.masked ?? "none"}${report.token.source ? ` from ${report.token.source}` : ""}${report.token.expires_at ? `, expires ${report.token.expires_at}` : ", no expiry"}`);
      if (report.token.error) printer.info(`    ${report.token.error}`);
      const rotation = report.token.rotation;
      if (rotation) printer.info(`    ${describeRotation(rotation)}`);
      if (agent) printer.info(`  Agent    ${agent.display_name} (${agent.id}, ${agent.status})`);
      if (report.owner) printer.info(`  Owner    ${report.owner.email ?? report.owner.user_id}`);
      printer.info(`  Projects${report.grants.length === 0 ? " none granted" : ""}`);
      for (const line of describeGrantLines(report.grants)) printer.info(`    ${line}`);
      for (const [client, path] of Object.entries(report.clients)) printer.info(`  ${client.padEnd(8)} ${path}`);
    }
  }
  if (!report.ok) throw new CliError("", { code: "status_not_ok", exitCode: 1 });
  return report;
}

function describeRotation(view: RotationView): string {
  if (view.expired) return "Expired: ask your Tasker owner for a pairing code and pair again.";
  if (view.due) return `Rotation due: the next nodedc-tasker mcp start rotates it, or run: npx nodedc-tasker rotate${view.blocked_by ? ` (not possible now: ${view.blocked_by})` : ""}`;
  if (view.next_rotation_at) return `Next rotation: from ${view.next_rotation_at}, by nodedc-tasker mcp (or now: npx nodedc-tasker rotate)`;
  return `Not rotated by nodedc-tasker${view.blocked_by ? `: ${view.blocked_by}` : ""}`;
}

export function statusCommand(run: (opts: StatusOptions) => Promise<unknown>): Command {
  return new Command("status")
    .description("Show the gateway, agent, owner, grants and where the token is stored")
    .option("--profile <name>", "profile", DEFAULT_PROFILE)
    .option("--json", "machine-readable output on stdout", false)
    .action(async (options: StatusOptions) => {
      await run(options);
    });
}
