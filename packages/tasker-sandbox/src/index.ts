export { startTaskerSandbox, DEFAULT_SANDBOX_PORT, DEFAULT_SANDBOX_HOST, type SandboxHandle } from "./server";
export {
  createSandbox,
  createSandboxApp,
  DEFAULT_RATE_LIMIT_PER_MIN,
  type SandboxOptions,
  type SandboxKeys,
  type InProcessSandbox,
} from "./sandbox";
export { buildSandboxApp, type SandboxAppDeps, type SandboxEnv } from "./app";
export { FIXTURE, seedFixture } from "./fixture";
export { SandboxStore, type SandboxSettings } from "./store/sandbox-store";
export { RequestLog, type RequestLogEntry, type RequestLogFilter } from "./request-log/request-log";
export {
  DELETE_LEDGER_ENV,
  attachDeleteLedger,
  readDeleteLedger,
  type DeleteLedgerLine,
  type DeleteLedgerLabel,
} from "./request-log/delete-ledger";
export { FaultInjector, FAULT_MODES, type FaultMode, type FaultRule, type ActiveFault } from "./faults/fault-injector";
export { MALFORMED_BODY } from "./faults/apply-fault";
export { SlidingWindowLimiter } from "./rate-limit/sliding-window";
export { ROLE_ADMIN, ROLE_MEMBER, ROLE_GUEST } from "./store/records";
export type {
  ApiKeyRecord,
  UserRecord,
  ProjectRecord,
  MemberRecord,
  StateRecord,
  LabelRecord,
  WorkItemRecord,
  CommentRecord,
  ActivityRecord,
  ProjectRole,
  Priority,
  StateGroup,
} from "./store/records";
