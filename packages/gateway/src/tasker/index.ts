/**
 * The Tasker adapter's public surface. Explicit named exports only; nothing here can delete,
 * archive or send an arbitrary request (DESIGN §9 rule 1; exports.test.ts proves it).
 */

export { createTaskerAdapter } from "./adapter.js";
export type { TaskerAdapterConfig, TaskerAdapterWithClose } from "./adapter.js";
export type { TaskerCallEvent, TaskerOperation } from "./adapter-core.js";
export type { TaskerLogger } from "./connection.js";
export { INVALID_SERVICE_KEY_MESSAGE, isTaskerError, TaskerError } from "./errors.js";
export type { TaskerErrorCode } from "./errors.js";
export type { Clock } from "./request-budget.js";
export { EXTERNAL_SOURCE } from "./types.js";
export type {
  CallContext,
  CreateCommentInput,
  CreateWorkItemInput,
  TaskerActivity,
  TaskerAdapter,
  TaskerComment,
  TaskerLabel,
  TaskerMember,
  TaskerPage,
  TaskerPriority,
  TaskerProject,
  TaskerSearchHit,
  TaskerState,
  TaskerStateGroup,
  TaskerWorkItem,
  UpdateWorkItemInput,
} from "./types.js";
