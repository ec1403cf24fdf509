/** One append-only audit event as callers describe it (DESIGN §8); audit-insert.ts stores it. */
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
