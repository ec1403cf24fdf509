export { ERROR_CODES, errorBodySchema, errorCodeSchema, statusOf, type ErrorBody, type ErrorCode } from "./errors";
export { SCOPES, ANY_SCOPE, scopeSchema, type Scope, type ToolScope } from "./scopes";
export { crc32 } from "./crc32";
export {
  AGENT_TOKEN_PREFIX,
  AGENT_TOKEN_LENGTH,
  generateAgentToken,
  isWellFormedAgentToken,
  tokenDisplay,
  checksumOf,
} from "./agent-token";
export {
  PAIRING_CODE_ALPHABET,
  PAIRING_CODE_LENGTH,
  PAIRING_CODE_TTL_DEFAULT_S,
  PAIRING_CODE_TTL_MAX_S,
  PAIRING_CODE_TTL_MIN_S,
  generatePairingCode,
  normalizePairingCode,
  formatPairingCode,
} from "./pairing-code";
export {
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENCY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  IDEMPOTENCY_RETENTION_HOURS,
  idempotencyKeySchema,
} from "./idempotency";
export { API_BASE, ROUTES, routePath } from "./routes";
export { LIMITS } from "./limits";
export { STORABLE_TEXT_MESSAGE, isStorableText, storableText, toStorableText, truncateCodePoints } from "./text";
export { TOOL_NAMES, isToolName, type ToolName } from "./tool-names";
export {
  TOOL_FACTS,
  WRITE_TOOL_NAMES,
  READ_ANNOTATIONS,
  WRITE_ANNOTATIONS,
  annotationsOf,
  type ToolFacts,
  type ToolAnnotationHints,
} from "./tools/tool-facts";
export { TOOL_SPECS, type ToolSpec } from "./tools/tool-specs";
export { uuidSchema, UUID_PATTERN, isUuid, userIdSchema, timestampSchema, cursorSchema, pageLimitSchema, listOf } from "./api-common";
export {
  AGENT_STATUSES,
  OWNER_STATUSES,
  agentSchema,
  agentListSchema,
  agentStatusSchema,
  connectionStatusSchema,
  ownerStatusSchema,
  ownerSchema,
  createAgentRequestSchema,
  updateAgentRequestSchema,
  grantSchema,
  grantListSchema,
  createGrantRequestSchema,
  tokenMetaSchema,
  tokenListSchema,
  TOKEN_STATUSES,
  tokenStatusSchema,
  issueTokenRequestSchema,
  issuedTokenSchema,
  createPairingCodeRequestSchema,
  pairingCodeSchema,
  PAIRING_CODE_STATUSES,
  pairingCodeStatusSchema,
  pairingCodeStatusItemSchema,
  pairingCodeStatusListSchema,
  pairingCodeListQuerySchema,
  setOwnerStatusRequestSchema,
  type Agent,
  type Grant,
  type TokenMeta,
  type TokenStatus,
  type PairingCodeStatusItem,
} from "./api-agents";
export {
  clientInfoSchema,
  pairingExchangeRequestSchema,
  pairingExchangeResponseSchema,
  sessionGrantSchema,
  type PairingExchangeResponse,
  type SessionGrant,
} from "./api-pairing";
export {
  toolAnnotationsSchema,
  toolDescriptorSchema,
  toolListSchema,
  agentSessionSchema,
  toolCallRequestSchema,
  toolCallResponseSchema,
  rotateTokenRequestSchema,
  rotateTokenResponseSchema,
  type RotateTokenResponse,
  type ToolAnnotations,
  type ToolDescriptor,
  type AgentSession,
} from "./api-agent-session";
export {
  AUDIT_OUTCOMES,
  ACTOR_TYPES,
  auditOutcomeSchema,
  auditEventSchema,
  auditEventListSchema,
  auditQuerySchema,
  type AuditEvent,
} from "./api-audit";
export {
  auditCheckpointSchema,
  auditCheckpointListSchema,
  auditCheckpointQuerySchema,
  auditPublicKeySchema,
  auditEventIdParamSchema,
  auditEventProofSchema,
  type AuditCheckpoint,
  type AuditPublicKey,
  type AuditEventProof,
} from "./api-audit-seals";
export { healthzSchema, capabilitiesSchema } from "./api-meta";
export { MCP_INSTRUCTIONS, MCP_INSTRUCTIONS_RULE, MCP_INSTRUCTIONS_HOWTO } from "./mcp-instructions";
export {
  UNTRUSTED_OPEN,
  UNTRUSTED_CLOSE,
  UNTRUSTED_SCHEMA_KEY,
  escapeUntrusted,
  wrapUntrusted,
  unwrapUntrusted,
  isWrappedUntrusted,
} from "./untrusted";
export {
  untrustedText,
  projectIdArg,
  cardRefArg,
  CARD_IDENTIFIER_PATTERN,
  STATE_GROUPS,
  PRIORITIES,
  SESSION_STATUSES,
  stateGroupSchema,
  prioritySchema,
  sessionStatusSchema,
  stateRefOut,
  labelRefOut,
  personOut,
  cardOut,
  commentOut,
  cardActivityOut,
  sessionOut,
  projectOut,
} from "./tools/common";
// Tool schemas are reached through TOOL_SPECS; these few are building blocks other code reuses.
export { toolGrantOut, activityEventOut } from "./tools/read-tools";
export { cardPreviousOut } from "./tools/write-tools";
