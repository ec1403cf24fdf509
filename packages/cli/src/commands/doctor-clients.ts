import { codexConfigPath, launchFor } from "../client-config/client-configs";
import { clientEnvironment } from "../client-config/client-env";
import { CODEX_STARTUP_TIMEOUT_SEC, readCodexServer } from "../client-config/codex";
import { readJsonServer } from "../client-config/json-config";
import { probeStart, type StartResult } from "../client-config/start-probe";
import { DEFAULT_PROFILE, serverNameFor, type ClientName, type Profile } from "../config/profiles";
import type { CliError } from "../errors";
import type { Deps } from "../factory";
import { CLI_VERSION } from "../version";
import type { DoctorCheck } from "./doctor";
import { clientLabel } from "./pair";

const REPAIR = "Run pair again (with a new code) to rewrite it.";

function entryArgs(entry: Record<string, unknown>): string[] {
  return Array.isArray(entry.args) ? (entry.args as unknown[]).map(String) : [];
}

function describeEntry(entry: Record<string, unknown>): string {
  return [String(entry.command), ...entryArgs(entry)].join(" ");
}

/** What the written entry says, before anything is started: runs `mcp` for this profile, pinned to this version. */
export function judgeEntry(entry: Record<string, unknown>, profile: string): { status: DoctorCheck["status"]; fix?: string } {
  const args = entryArgs(entry);
  const profileOk = profile === DEFAULT_PROFILE ? !args.includes("--profile") : args.join(" ").endsWith(`--profile ${profile}`);
  if (typeof entry.command !== "string" || !args.includes("mcp") || !profileOk) {
    return { status: "fail", fix: `The entry does not run \`nodedc-tasker mcp${profile === DEFAULT_PROFILE ? "" : ` --profile ${profile}`}\`. ${REPAIR}` };
  }
  const pinned = args.find((a) => a.startsWith("nodedc-tasker@"));
  if (pinned !== undefined && pinned !== `nodedc-tasker@${CLI_VERSION}`) return { status: "warn", fix: `It pins ${pinned}; this CLI is ${CLI_VERSION}. ${REPAIR}` };
  return { status: "ok" };
}

/**
 * Starts the entry as `client` would — its own environment, cwd = HOME, no shell — and
 * waits for `initialize`: a config can read well and still name a package that is not on
 * the registry or a checkout that moved.
 */
export async function startsAsClient(client: ClientName, entry: Record<string, unknown>, deps: Deps): Promise<StartResult> {
  const timeoutSec = typeof entry.startup_timeout_sec === "number" ? entry.startup_timeout_sec : CODEX_STARTUP_TIMEOUT_SEC;
  return probeStart({
    command: String(entry.command),
    args: entryArgs(entry),
    env: clientEnvironment(client, entry, deps.env, deps.platform),
    cwd: deps.homedir,
    timeoutMs: timeoutSec * 1000,
  });
}

async function checkEntry(client: ClientName, file: string, entry: Record<string, unknown>, profileName: string, deps: Deps): Promise<DoctorCheck> {
  const name = `client_${client}`;
  const where = `${file}: runs ${describeEntry(entry)}`;
  const judged = judgeEntry(entry, profileName);
  if (judged.status === "fail") return { name, status: "fail", detail: where, ...(judged.fix ? { fix: judged.fix } : {}) };
  const started = await startsAsClient(client, entry, deps);
  if (!started.ok) {
    const ours = launchFor(deps, profileName, "auto");
    return {
      name,
      status: "fail",
      detail: `${clientLabel(client)} cannot start the server in ${file}: \`${describeEntry(entry)}\` — ${started.reason}`,
      fix: `This CLI would write \`${[ours.command, ...ours.args].join(" ")}\`. ${REPAIR}`,
    };
  }
  return { name, status: judged.status, detail: `${where} (started as ${clientLabel(client)} does; initialize answered in ${started.ms} ms)`, ...(judged.fix ? { fix: judged.fix } : {}) };
}

/** One check per configured client: the entry exists, says the right thing, and really starts. */
export async function checkClientConfigs(deps: Deps, profileName: string, recorded: Profile["clients"]): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const serverName = serverNameFor(profileName);
  for (const client of ["codex", "claude", "cursor"] as ClientName[]) {
    const record = recorded[client];
    if (!record && client !== "codex") continue;
    if (client === "claude" && record?.method === "claude-cli") {
      checks.push({ name: "client_claude", status: "ok", detail: "Claude Code configured through `claude mcp add --scope user`" });
      continue;
    }
    const file = client === "codex" ? (record?.path ?? codexConfigPath(deps)) : record!.path;
    try {
      const entry = client === "codex" ? await readCodexServer(file, serverName) : await readJsonServer(file, serverName);
      if (!entry) {
        checks.push({ name: `client_${client}`, status: client === "codex" && !record ? "warn" : "fail", detail: `${file} has no "${serverName}" server`, fix: "Run pair again (with a new code), or add the server by hand." });
        continue;
      }
      checks.push(await checkEntry(client, file, entry, profileName, deps));
    } catch (error) {
      checks.push({ name: `client_${client}`, status: "fail", detail: (error as Error).message, ...((error as CliError).hint ? { fix: (error as CliError).hint! } : {}) });
    }
  }
  return checks;
}
