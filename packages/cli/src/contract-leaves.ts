/**
 * The zod-free parts of the contract (@nodedc/shared) that `mcp` needs before it has answered
 * a tool call, imported file by file: the package index evaluates zod and every schema of the
 * contract (tens of ms at start-up, the first call's tail), which a plain tools/call never
 * uses. The same modules as the index's exports (contract-leaves.test.ts), so the contract
 * still has one source; everything else imports `@nodedc/shared`.
 */
export { ROUTES, routePath } from "../../shared/src/routes";
export { IDEMPOTENCY_HEADER, IDEMPOTENT_REPLAYED_HEADER } from "../../shared/src/idempotency-headers";
export { isWellFormedAgentToken } from "../../shared/src/agent-token";
export { LIMITS } from "../../shared/src/limits";
export { TOOL_NAMES } from "../../shared/src/tool-names";
export { TOOL_FACTS, WRITE_TOOL_NAMES, annotationsOf } from "../../shared/src/tools/tool-facts";
