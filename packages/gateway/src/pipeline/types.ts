import type { Scope } from "@nodedc/shared";

/**
 * What the agent-auth middleware resolves for every agent request and hands to the tool
 * pipeline (via `c.get("agent")`). Built by the gateway core, consumed by tools.
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

export type AuditOutcome = "allowed" | "denied" | "replayed" | "failed";

export interface AuditEventInput {
  actor_type: "agent" | "user" | "service" | "system" | "anonymous";
  actor_user_id?: string | null;
  agent_id?: string | null;
  owner_user_id?: string | null;
  token_id?: string | null;
  project_id?: string | null;
  action: string;
  tool?: string | null;
  outcome: AuditOutcome;
  error_code?: string | null;
  request_id: string;
  /** Never a secret. For updates: `{ previous: {...}, changes: {...} }`. */
  details?: Record<string, unknown>;
}

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until a slot frees up (for `Retry-After` and `RateLimit` headers). */
  reset_s: number;
}
