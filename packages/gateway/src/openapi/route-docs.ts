import { z } from "zod";
import {
  agentListSchema,
  agentSchema,
  agentSessionSchema,
  auditCheckpointListSchema,
  auditCheckpointQuerySchema,
  auditEventListSchema,
  auditEventProofSchema,
  auditPublicKeySchema,
  auditQuerySchema,
  capabilitiesSchema,
  createAgentRequestSchema,
  createGrantRequestSchema,
  createPairingCodeRequestSchema,
  errorBodySchema,
  grantListSchema,
  grantSchema,
  healthzSchema,
  issuedTokenSchema,
  issueTokenRequestSchema,
  ownerSchema,
  pairingCodeSchema,
  pairingCodeListQuerySchema,
  pairingCodeStatusItemSchema,
  pairingCodeStatusListSchema,
  pairingExchangeRequestSchema,
  pairingExchangeResponseSchema,
  rotateTokenResponseSchema,
  ROUTES,
  setOwnerStatusRequestSchema,
  tokenListSchema,
  tokenMetaSchema,
  toolCallRequestSchema,
  toolCallResponseSchema,
  toolListSchema,
  updateAgentRequestSchema,
} from "@nodedc/shared";

/**
 * The route registry the OpenAPI document is generated from: every endpoint of DESIGN §3
 * with its auth, request and response schemas from @nodedc/shared. A route added to the
 * app without an entry here fails openapi.test.ts.
 */
export type RouteAuth = "none" | "launcher_jwt" | "agent_token";

export interface RouteDoc {
  method: "get" | "post" | "patch" | "delete";
  path: string;
  summary: string;
  auth: RouteAuth;
  /** Who may call it beyond authentication. */
  who?: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status: number;
  contentType?: string;
}

const empty = z.object({});
const ok = z.object({ status: z.string() });

export const ROUTE_DOCS: RouteDoc[] = [
  { method: "get", path: ROUTES.healthz, summary: "Liveness", auth: "none", response: healthzSchema, status: 200 },
  { method: "get", path: ROUTES.readyz, summary: "Readiness: database answers and migrations are applied (else 503)", auth: "none", response: ok, status: 200 },
  { method: "get", path: ROUTES.metrics, summary: "Prometheus metrics", auth: "none", status: 200, contentType: "text/plain" },
  { method: "get", path: ROUTES.capabilities, summary: "API version, tools, scopes and limits", auth: "none", response: capabilitiesSchema, status: 200 },
  { method: "get", path: ROUTES.openapi, summary: "This document", auth: "none", status: 200 },
  { method: "get", path: ROUTES.docs, summary: "Human-readable API reference", auth: "none", status: 200, contentType: "text/html" },
  { method: "post", path: ROUTES.agents, summary: "Create an agent", auth: "launcher_jwt", who: "user (self) / platform_admin (anyone)", body: createAgentRequestSchema, response: agentSchema, status: 201 },
  { method: "get", path: ROUTES.agents, summary: "List agents", auth: "launcher_jwt", who: "owner / admin", response: agentListSchema, status: 200 },
  { method: "get", path: ROUTES.agent, summary: "Get an agent", auth: "launcher_jwt", who: "owner / admin", response: agentSchema, status: 200 },
  { method: "patch", path: ROUTES.agent, summary: "Rename, pause or resume an agent", auth: "launcher_jwt", who: "owner / admin", body: updateAgentRequestSchema, response: agentSchema, status: 200 },
  { method: "post", path: ROUTES.agentRevoke, summary: "Revoke an agent and all its tokens, permanently", auth: "launcher_jwt", who: "owner / admin", body: empty, response: agentSchema, status: 200 },
  { method: "get", path: ROUTES.agentGrants, summary: "List grants", auth: "launcher_jwt", who: "owner / admin", response: grantListSchema, status: 200 },
  { method: "post", path: ROUTES.agentGrants, summary: "Grant a project (owner must be an active member in Tasker)", auth: "launcher_jwt", who: "owner / admin", body: createGrantRequestSchema, response: grantSchema, status: 201 },
  { method: "delete", path: ROUTES.agentGrant, summary: "Remove a grant", auth: "launcher_jwt", who: "owner / admin", response: grantSchema, status: 200 },
  { method: "get", path: ROUTES.agentTokens, summary: "List token metadata", auth: "launcher_jwt", who: "owner / admin", response: tokenListSchema, status: 200 },
  { method: "post", path: ROUTES.agentTokens, summary: "Issue a token (shown once, Cache-Control: no-store)", auth: "launcher_jwt", who: "owner / admin", body: issueTokenRequestSchema, response: issuedTokenSchema, status: 201 },
  { method: "post", path: ROUTES.agentTokenRevoke, summary: "Revoke a token now", auth: "launcher_jwt", who: "owner / admin", body: empty, response: tokenMetaSchema, status: 200 },
  { method: "post", path: ROUTES.agentPairingCodes, summary: "Create a pairing code", auth: "launcher_jwt", who: "owner / admin", body: createPairingCodeRequestSchema, response: pairingCodeSchema, status: 201 },
  { method: "get", path: ROUTES.agentPairingCodes, summary: "Pairing codes of an agent with their status (never the code)", auth: "launcher_jwt", who: "owner / admin", query: pairingCodeListQuerySchema, response: pairingCodeStatusListSchema, status: 200 },
  { method: "post", path: ROUTES.agentPairingCodeCancel, summary: "Cancel a pending pairing code", auth: "launcher_jwt", who: "owner / admin", body: empty, response: pairingCodeStatusItemSchema, status: 200 },
  { method: "get", path: ROUTES.auditEvents, summary: "Audit events, newest first, cursor-paginated", auth: "launcher_jwt", who: "owner (own agents) / admin", query: auditQuerySchema, response: auditEventListSchema, status: 200 },
  { method: "get", path: ROUTES.auditEventProof, summary: "RFC 6962 inclusion proof of an event in the latest signed checkpoint (404 with details.sealed=false until sealed)", auth: "launcher_jwt", who: "whoever may read the event", response: auditEventProofSchema, status: 200 },
  { method: "get", path: ROUTES.auditCheckpoints, summary: "Signed audit checkpoints, newest first, cursor-paginated", auth: "launcher_jwt", who: "platform_admin", query: auditCheckpointQuerySchema, response: auditCheckpointListSchema, status: 200 },
  { method: "get", path: ROUTES.auditPublicKey, summary: "The Ed25519 public key that signs new audit checkpoints, with its key id", auth: "none", response: auditPublicKeySchema, status: 200 },
  { method: "post", path: ROUTES.ownerStatus, summary: "Owner lifecycle change (blocked suspends, annulled revokes, active restores)", auth: "launcher_jwt", who: "service / platform_admin", body: setOwnerStatusRequestSchema, response: ownerSchema, status: 200 },
  { method: "post", path: ROUTES.pairingExchange, summary: "Exchange a pairing code for a token (once)", auth: "none", body: pairingExchangeRequestSchema, response: pairingExchangeResponseSchema, status: 201 },
  { method: "get", path: ROUTES.agentSession, summary: "Who am I: agent, owner, token, grants, tools", auth: "agent_token", response: agentSessionSchema, status: 200 },
  { method: "post", path: ROUTES.agentSessionRevoke, summary: "Revoke the calling token (unpair)", auth: "agent_token", body: empty, response: ok, status: 200 },
  {
    method: "post",
    path: ROUTES.agentSessionRotate,
    summary:
      "Rotate the calling token (needs Idempotency-Key; the same key replays the same unused successor). The old token works until the new one is first used, then is `rotated`; presenting it again revokes the whole chain",
    auth: "agent_token",
    body: empty,
    response: rotateTokenResponseSchema,
    status: 201,
  },
  { method: "get", path: ROUTES.tools, summary: "Tools this token may call", auth: "agent_token", response: toolListSchema, status: 200 },
  { method: "post", path: ROUTES.tool, summary: "Call a tool (write tools need Idempotency-Key)", auth: "agent_token", body: toolCallRequestSchema, response: toolCallResponseSchema, status: 200 },
];

export { errorBodySchema };
