/** Display helpers shared by the console pages (UTC everywhere, like the API). */
export function formatTime(value: Date | string | null): string {
  if (value === null) return "never";
  const d = typeof value === "string" ? new Date(value) : value;
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

export function isoOf(value: Date | string): string {
  return typeof value === "string" ? value : value.toISOString();
}

export const CONNECTION_TEXT = { connected: "connected", stale: "stale", never_connected: "never connected" } as const;

export function clientText(client: { name: string; version: string; platform: string } | null): string {
  return client ? `${client.name} ${client.version} (${client.platform})` : "—";
}

/** What each scope lets an agent do; labels start with the scope's name (DESIGN §13). */
export const SCOPE_HELP: Record<string, string> = {
  "cards:read": "read cards and their comments",
  "cards:write": "create and update cards",
  "comments:write": "add comments",
  "sessions:report": "report work sessions on cards",
};

/** Fixed texts for `?notice=` after a redirect: nothing from the URL is ever echoed. */
export const NOTICES: Record<string, string> = {
  agent_created: "Agent created. Grant it a project, then connect a device.",
  agent_renamed: "Agent renamed.",
  agent_paused: "Agent paused: its tools are refused until you resume it.",
  agent_resumed: "Agent resumed.",
  agent_revoked: "Agent revoked for good. Its tokens no longer work.",
  grant_saved: "Project granted.",
  grant_removed: "Grant removed.",
  token_revoked: "Token revoked: its next call is refused.",
  code_cancelled: "Pairing code cancelled.",
  code_already_created:
    "A pairing code was already created by that click; it is listed under Earlier codes. Cancel it, or press Connect Codex again for a new one.",
  owner_blocked: "Owner blocked: every agent of theirs is refused from its next call.",
  owner_reactivated: "Owner reactivated.",
  signed_out: "You are signed out.",
};
