import type { Scope } from "@nodedc/shared";

/**
 * Who is calling, as agent authentication resolves it for every agent request (token,
 * agent, owner and grants from one query or the auth cache) and hands it on via
 * `c.get("agent")`: the tool pipeline and the agent-session routes read it.
 */
export interface AgentGrantContext {
  grant_id: string;
  project_id: string;
  workspace_slug: string;
  project_identifier: string | null;
  project_name: string | null;
  scopes: Scope[];
}

export interface AgentContext {
  agent: { id: string; display_name: string; status: "active" };
  owner: { user_id: string; email: string | null };
  token: { id: string; prefix: string; last4: string; expires_at: string | null };
  grants: AgentGrantContext[];
}
