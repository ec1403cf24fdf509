import { promises as fs } from "node:fs";
import path from "node:path";
import type { SessionGrant } from "@nodedc/shared";
import { CliError } from "../errors";
import { readTextIfExists, writeFileAtomic } from "./atomic-file";

export const DEFAULT_PROFILE = "default";
const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export type TokenStorage = "keychain" | "file";
export type ClientName = "codex" | "claude" | "cursor";

/** What `pair` remembers about one agent connection. Never the token itself. */
export interface Profile {
  gateway_url: string;
  agent: { id: string; display_name: string };
  owner: { user_id: string; email: string | null };
  /**
   * The stored token. `issued_at` (when it was received) and `expires_at` give its life, from
   * which `mcp` rotates (rotation/rotation-schedule.ts). `use_from`: a token stored by a
   * rotation is first used at this time, by every process of the profile (rotation/live-token.ts).
   */
  token: { id: string; last4: string; expires_at: string | null; issued_at?: string; use_from?: string };
  grants: SessionGrant[];
  storage: TokenStorage;
  /** Client configs this profile wrote, so `unpair` removes exactly those. */
  clients: Partial<Record<ClientName, { path: string; server_name: string; method?: "file" | "claude-cli" }>>;
  paired_at: string;
}

interface ProfilesFile {
  version: 1;
  profiles: Record<string, Profile>;
}

export function assertProfileName(name: string): string {
  if (!PROFILE_NAME.test(name)) {
    throw new CliError(`Invalid profile name "${name}".`, {
      code: "usage",
      exitCode: 2,
      hint: "Use 1-32 characters of a-z, 0-9, '-' and '_', starting with a letter or digit.",
    });
  }
  return name;
}

/** Server name in client configs: `nodedc-tasker`, or `nodedc-tasker-<profile>` for other profiles. */
export function serverNameFor(profile: string): string {
  return profile === DEFAULT_PROFILE ? "nodedc-tasker" : `nodedc-tasker-${profile}`;
}

export function profilesPath(configDir: string): string {
  return path.join(configDir, "profiles.json");
}

export async function readProfiles(configDir: string): Promise<ProfilesFile> {
  const file = profilesPath(configDir);
  const text = await readTextIfExists(file);
  if (text === null) return { version: 1, profiles: {} };
  try {
    const parsed = JSON.parse(text) as ProfilesFile;
    if (typeof parsed !== "object" || parsed === null || typeof parsed.profiles !== "object") throw new Error("no profiles");
    return parsed;
  } catch (error) {
    throw new CliError(`${file} is not valid JSON (${(error as Error).message}).`, {
      code: "config_corrupt",
      hint: `Fix or delete ${file}, then pair again.`,
    });
  }
}

export async function readProfile(configDir: string, name: string): Promise<Profile | null> {
  return (await readProfiles(configDir)).profiles[name] ?? null;
}

export async function writeProfile(configDir: string, name: string, profile: Profile): Promise<void> {
  const all = await readProfiles(configDir);
  all.profiles[name] = profile;
  await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(profilesPath(configDir), `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
}

export async function deleteProfile(configDir: string, name: string): Promise<boolean> {
  const all = await readProfiles(configDir);
  if (!(name in all.profiles)) return false;
  delete all.profiles[name];
  await writeFileAtomic(profilesPath(configDir), `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  return true;
}

/** `https://host:port` of a gateway URL; the keychain account and the profile key. */
export function gatewayOrigin(url: string): string {
  return new URL(url).origin;
}

export function normalizeGatewayUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new CliError(`"${input}" is not a valid gateway URL.`, {
      code: "usage",
      exitCode: 2,
      hint: "Pass the full URL, e.g. --gateway https://tasker-gateway.example.com",
    });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new CliError(`The gateway URL must be http(s), got ${url.protocol}`, { code: "usage", exitCode: 2 });
  }
  if (url.username || url.password) {
    throw new CliError("The gateway URL must not contain credentials.", { code: "usage", exitCode: 2 });
  }
  const pathname = url.pathname.replace(/\/+$/, "");
  return `${url.origin}${pathname}`;
}
