import { promises as fs, constants as fsConstants } from "node:fs";
import { agentSessionSchema, healthzSchema } from "@nodedc/shared";
import { Command } from "commander";
import { DEFAULT_PROFILE } from "../config/profiles";
import { CliError } from "../errors";
import type { Deps } from "../factory";
import { explainGatewayFailure } from "../gateway-client/error-messages";
import { GatewayUnreachableError } from "../gateway-client/gateway-client";
import { KeychainError, sessionBusHint } from "../token-store/keychain";
import { expiryAtRisk, rotationView } from "../rotation/rotation-check";
import type { TokenSource } from "../token-store/token-store";
import { checkClientConfigs } from "./doctor-clients";
import { loadProfileContext, PAIR_STEP, resolveProfileToken } from "../config/profile-context";

export interface DoctorOptions {
  profile: string;
  json: boolean;
}

export interface DoctorCheck {
  name: string;
  status: "ok" | "fail" | "warn";
  detail: string;
  fix?: string;
}

const MIN_NODE: [number, number] = [20, 18];
const MAX_SKEW_S = 120;

export function nodeVersionOk(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
}

export async function collectDoctor(opts: DoctorOptions, deps: Deps): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck) => checks.push(check);
  const nodeVersion = process.versions.node;
  add(
    nodeVersionOk(nodeVersion)
      ? { name: "node", status: "ok", detail: `Node.js ${nodeVersion}` }
      : { name: "node", status: "fail", detail: `Node.js ${nodeVersion} is too old`, fix: "Install Node.js 20.18 or newer (https://nodejs.org)." },
  );

  const ctx = await loadProfileContext(deps, opts.profile);
  try {
    await fs.mkdir(deps.configDir, { recursive: true, mode: 0o700 });
    await fs.access(deps.configDir, fsConstants.W_OK);
    add({ name: "config_dir", status: "ok", detail: `config dir ${deps.configDir}` });
  } catch (error) {
    add({ name: "config_dir", status: "fail", detail: `config dir ${deps.configDir} is not writable (${(error as NodeJS.ErrnoException).code})`, fix: "Fix its permissions or set NODEDC_TASKER_HOME." });
  }
  add(
    ctx.profile
      ? { name: "profile", status: "ok", detail: `profile ${ctx.name}: agent "${ctx.profile.agent.display_name}" on ${ctx.profile.gateway_url}` }
      : ctx.gatewayUrl
        ? { name: "profile", status: "warn", detail: `no stored profile; using NODEDC_TASKER_GATEWAY=${ctx.gatewayUrl}` }
        : { name: "profile", status: "fail", detail: `profile ${ctx.name} is not paired`, fix: PAIR_STEP },
  );

  // Keychain reachability: a read of our own entry (nothing is written).
  try {
    await deps.keychain().get(ctx.account ?? "nodedc-tasker-doctor-probe");
    add({ name: "keychain", status: "ok", detail: `${deps.keychain().label} reachable` });
  } catch (error) {
    const e = error instanceof KeychainError ? error : null;
    const usesFile = ctx.profile?.storage === "file";
    add({
      name: "keychain",
      status: usesFile || deps.env.NODEDC_TASKER_TOKEN ? "warn" : "fail",
      detail: e?.message ?? String(error),
      fix: `${e?.hint ?? sessionBusHint(deps.env, deps.platform)} (Or keep the token in a 0600 file: pair with --storage file.)`,
    });
  }

  let token: string | null = null;
  let source: TokenSource | null = null;
  const obstacles: string[] = [];
  if (checks.some((c) => c.name === "keychain" && c.status === "fail")) obstacles.push("the keychain cannot store a new token");
  if (ctx.gatewayUrl) {
    try {
      const resolved = await resolveProfileToken(deps, ctx);
      if (resolved) {
        token = resolved.token;
        source = resolved.source;
        add({
          name: "token_stored",
          status: resolved.source === "file" ? "warn" : "ok",
          detail: `token ndca_…${resolved.token.slice(-4)} from ${resolved.source}${resolved.source === "file" ? " (0600 file, not the keychain)" : ""}`,
          ...(resolved.source === "file" ? { fix: "Once the keychain works, pair again with --storage keychain." } : {}),
        });
      } else {
        add({ name: "token_stored", status: "fail", detail: "no token in NODEDC_TASKER_TOKEN, the keychain or the file", fix: PAIR_STEP });
      }
    } catch (error) {
      add({ name: "token_stored", status: "fail", detail: (error as Error).message, fix: PAIR_STEP });
    }
  }

  // Client configs: present, right for this profile, and really able to start the server.
  for (const check of await checkClientConfigs(deps, ctx.name, ctx.profile?.clients ?? {})) add(check);

  if (ctx.gatewayUrl) {
    const gateway = deps.gateway(ctx.gatewayUrl, async () => token ?? "");
    let reachable = false;
    let expiresAt: string | null = null;
    try {
      const sentAt = Date.now();
      const response = await gateway.healthz();
      const receivedAt = Date.now();
      const health = healthzSchema.safeParse(response.body);
      reachable = true;
      add(
        health.success
          ? { name: "gateway", status: "ok", detail: `gateway ${ctx.gatewayUrl} healthy (v${health.data.version})` }
          : { name: "gateway", status: "fail", detail: `${ctx.gatewayUrl}/healthz does not look like a nodedc-tasker gateway`, fix: "Check the gateway URL (pair --gateway …)." },
      );
      const date = response.headers.get("date");
      if (date) {
        const skewS = Math.round((Date.parse(date) - (sentAt + receivedAt) / 2) / 1000);
        add(
          Math.abs(skewS) <= MAX_SKEW_S
            ? { name: "clock", status: "ok", detail: `clock skew ${skewS} s` }
            : { name: "clock", status: "fail", detail: `your clock is ${Math.abs(skewS)} s ${skewS > 0 ? "behind" : "ahead of"} the gateway`, fix: "Enable time sync (NTP): token expiry and logs depend on it." },
        );
      }
    } catch (error) {
      const detail =
        error instanceof GatewayUnreachableError ? `gateway ${ctx.gatewayUrl} is unreachable (${error.reason})` : explainGatewayFailure(error, { gatewayUrl: ctx.gatewayUrl });
      add({ name: "gateway", status: "fail", detail, fix: "Check the URL, your network/VPN and proxy settings (this CLI connects directly: it ignores HTTPS_PROXY)." });
      obstacles.push("the gateway is unreachable");
    }
    if (reachable && token) {
      try {
        const session = agentSessionSchema.parse((await gateway.agentSession()).body);
        expiresAt = session.token.expires_at;
        add({ name: "token_valid", status: "ok", detail: `token valid for agent "${session.agent.display_name}"${session.token.expires_at ? `, expires ${session.token.expires_at}` : ""}` });
      } catch (error) {
        add({ name: "token_valid", status: "fail", detail: explainGatewayFailure(error, { gatewayUrl: ctx.gatewayUrl }) });
        obstacles.push("the gateway refuses the token");
      }
    }
    if (token) add(rotationCheck(rotationView({ token: ctx.profile?.token ?? null, expiresAt, source, obstacles, now: deps.now() }), deps.now()));
  }
  return checks;
}

function rotationCheck(view: ReturnType<typeof rotationView>, now: Date): DoctorCheck {
  if (expiryAtRisk(view, now)) {
    return {
      name: "token_rotation",
      status: "warn",
      detail: `token ${view.expired ? "has expired" : `expires ${view.expires_at}`} and cannot be rotated from here: ${view.blocked_by}`,
      fix: "Fix that, then run: npx nodedc-tasker rotate. If the token expires first, ask your Tasker owner for a pairing code and pair again.",
    };
  }
  if (view.due) return { name: "token_rotation", status: "ok", detail: "rotation due: the next nodedc-tasker mcp start rotates the token (or run: npx nodedc-tasker rotate)" };
  if (view.next_rotation_at) return { name: "token_rotation", status: "ok", detail: `next automatic rotation from ${view.next_rotation_at}` };
  return { name: "token_rotation", status: "ok", detail: view.blocked_by ? `not rotated by nodedc-tasker: ${view.blocked_by}` : "the token does not expire" };
}

export async function runDoctor(opts: DoctorOptions, deps: Deps): Promise<DoctorCheck[]> {
  const checks = await collectDoctor(opts, deps);
  const failed = checks.filter((c) => c.status === "fail").length;
  if (opts.json) deps.printer.json({ ok: failed === 0, checks });
  else {
    for (const check of checks) {
      deps.printer.check(check.status === "ok" ? true : check.status === "warn" ? "warn" : false, check.detail);
      if (check.fix && check.status !== "ok") deps.printer.info(`    fix: ${check.fix}`);
    }
    deps.printer.info(failed === 0 ? "\nAll checks passed." : `\n${failed} check(s) failed.`);
  }
  if (failed > 0) throw new CliError("", { code: "doctor_failed" });
  return checks;
}

export function doctorCommand(run: (opts: DoctorOptions) => Promise<unknown>): Command {
  return new Command("doctor")
    .description("Check Node, keychain, client configs (each started as its client would), gateway health, token validity and clock skew; each with a fix")
    .option("--profile <name>", "profile", DEFAULT_PROFILE)
    .option("--json", "machine-readable output on stdout", false)
    .action(async (options: DoctorOptions) => {
      await run(options);
    });
}
