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
export { TOOL_NAMES, WRITE_TOOL_NAMES, isToolName, type ToolName } from "./tool-names";
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
  issueTokenRequestSchema,
  issuedTokenSchema,
  createPairingCodeRequestSchema,
  pairingCodeSchema,
  setOwnerStatusRequestSchema,
  type Agent,
  type Grant,
  type TokenMeta,
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
  whoamiInput,
  whoamiOutput,
  toolGrantOut,
  listProjectsInput,
  listProjectsOutput,
  describeProjectInput,
  describeProjectOutput,
  searchCardsInput,
  searchCardsOutput,
  getCardInput,
  getCardOutput,
  getRecentActivityInput,
  getRecentActivityOutput,
  activityEventOut,
  createCardInput,
  createCardOutput,
  updateCardInput,
  updateCardOutput,
  cardPreviousOut,
  addCommentInput,
  addCommentOutput,
  reportSessionInput,
  reportSessionOutput,
} from "./tools/index";
