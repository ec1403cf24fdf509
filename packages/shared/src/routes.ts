/** Every path of DESIGN §3, fixed; the gateway mounts and the CLI calls exactly these. */
export const API_BASE = "/api/v1";

export const ROUTES = {
  healthz: "/healthz",
  readyz: "/readyz",
  metrics: "/metrics",
  capabilities: `${API_BASE}/meta/capabilities`,
  openapi: `${API_BASE}/openapi.json`,
  docs: `${API_BASE}/docs`,
  agents: `${API_BASE}/agents`,
  agent: `${API_BASE}/agents/:agent_id`,
  agentRevoke: `${API_BASE}/agents/:agent_id/revoke`,
  agentGrants: `${API_BASE}/agents/:agent_id/grants`,
  agentGrant: `${API_BASE}/agents/:agent_id/grants/:grant_id`,
  agentTokens: `${API_BASE}/agents/:agent_id/tokens`,
  agentTokenRevoke: `${API_BASE}/agents/:agent_id/tokens/:token_id/revoke`,
  agentPairingCodes: `${API_BASE}/agents/:agent_id/pairing-codes`,
  agentPairingCodeCancel: `${API_BASE}/agents/:agent_id/pairing-codes/:code_id/cancel`,
  auditEvents: `${API_BASE}/audit-events`,
  auditEventProof: `${API_BASE}/audit-events/:id/proof`,
  auditCheckpoints: `${API_BASE}/audit-checkpoints`,
  auditPublicKey: `${API_BASE}/audit-checkpoints/public-key`,
  ownerStatus: `${API_BASE}/owners/:user_id/status`,
  pairingExchange: `${API_BASE}/pairing/exchange`,
  agentSession: `${API_BASE}/agent-session`,
  agentSessionRevoke: `${API_BASE}/agent-session/revoke`,
  agentSessionRotate: `${API_BASE}/agent-session/rotate`,
  tools: `${API_BASE}/tools`,
  tool: `${API_BASE}/tools/:name`,
} as const;

/** Fills `:param` placeholders, URL-encoding each value. */
export function routePath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/:([a-z_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing route param ${name}`);
    return encodeURIComponent(value);
  });
}
