/**
 * `createTaskerAdapter` — the gateway's only door to Tasker (DESIGN §1). It assembles the
 * allowlisted operations over one keep-alive connection pool, one shared fair request
 * budget and one metadata cache. The returned object has exactly the TaskerAdapter methods
 * plus `close()`: no delete, no archive, no generic request (DESIGN §9 rule 1).
 */

import { createAdapterCore, type TaskerCallEvent } from "./adapter-core.js";
import { createCommentOperations } from "./comment-operations.js";
import { TaskerConnection, type TaskerLogger } from "./connection.js";
import { MetadataCache } from "./metadata-cache.js";
import { createPathBuilder, parseBaseUrl } from "./paths.js";
import { createProjectOperations } from "./project-operations.js";
import { RequestBudget, systemClock, type Clock } from "./request-budget.js";
import type { TaskerAdapter } from "./types.js";
import { createWorkItemOperations } from "./work-item-operations.js";

export interface TaskerAdapterConfig {
  /** Tasker's origin (`https://tasker.example.com`); a trailing `/api/v1` is accepted. */
  baseUrl: string;
  /** The gateway's service key (`TASKER_API_KEY`), sent as `X-Api-Key`. */
  apiKey: string;
  workspaceSlug: string;
  /** Total time for one HTTP attempt, and the default longest budget wait. Default 10 000. */
  timeoutMs?: number;
  /** TCP/TLS connect timeout. Default 2 000. */
  connectTimeoutMs?: number;
  /** Shared upstream budget per sliding minute (`TASKER_RATE_LIMIT_PER_MIN`). Default 60, Plane's per-key limit. */
  rateLimitPerMin?: number;
  /** Longest a call may queue for the budget before failing with tasker_unavailable. Default timeoutMs. */
  budgetMaxWaitMs?: number;
  /** Retries for reads on connection failure, 5xx or 429 (never for writes). Default 2. */
  maxReadRetries?: number;
  /** Project metadata cache TTL (projects, states, labels, members). Default 30 000; 0 disables. */
  metadataTtlMs?: number;
  /** An entry read this close to its expiry is reloaded in the background (refresh-ahead). Default TTL/4. */
  metadataRefreshAheadMs?: number;
  /**
   * How long past its expiry project, state and label metadata may still be served while
   * Tasker fails to answer its reload. Default the TTL. Member lists never are (DESIGN §9 rule 10).
   */
  metadataStaleOnErrorMs?: number;
  logger?: TaskerLogger;
  /** Observability hook: one event per adapter call (operation, outcome, duration, upstream requests). */
  onCall?: (event: TaskerCallEvent) => void;
  /** Time source for the budget, cache and timeouts (tests). */
  clock?: Clock;
}

export type TaskerAdapterWithClose = TaskerAdapter & { close(): Promise<void> };

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) throw new TypeError(`Tasker adapter: ${name} must be a number ≥ ${min}`);
  return value;
}

export function createTaskerAdapter(config: TaskerAdapterConfig): TaskerAdapterWithClose {
  if (typeof config.apiKey !== "string" || config.apiKey.trim().length === 0) throw new TypeError("Tasker adapter: apiKey (TASKER_API_KEY) is required");
  const { origin, apiRoot } = parseBaseUrl(config.baseUrl);
  const clock = config.clock ?? systemClock;
  const timeoutMs = positive("timeoutMs", config.timeoutMs, 10_000);
  const budget = new RequestBudget({
    perWindow: Math.floor(positive("rateLimitPerMin", config.rateLimitPerMin, 60)),
    maxWaitMs: positive("budgetMaxWaitMs", config.budgetMaxWaitMs, timeoutMs, 0),
    clock,
  });
  const conn = new TaskerConnection({
    origin,
    apiKey: config.apiKey,
    timeoutMs,
    connectTimeoutMs: positive("connectTimeoutMs", config.connectTimeoutMs, 2_000),
    maxReadRetries: Math.floor(positive("maxReadRetries", config.maxReadRetries, 2, 0)),
    budget,
    clock,
    logger: config.logger,
  });
  const ttlMs = positive("metadataTtlMs", config.metadataTtlMs, 30_000, 0);
  const cache = new MetadataCache(ttlMs, clock, {
    refreshAheadMs: positive("metadataRefreshAheadMs", config.metadataRefreshAheadMs, Math.floor(ttlMs / 4), 0),
    staleOnErrorMs: positive("metadataStaleOnErrorMs", config.metadataStaleOnErrorMs, ttlMs, 0),
  });
  const core = createAdapterCore({
    paths: createPathBuilder(apiRoot, config.workspaceSlug),
    conn,
    cache,
    clock,
    apiKey: config.apiKey,
    logger: config.logger,
    onCall: config.onCall,
  });

  const projects = createProjectOperations(core);
  const workItems = createWorkItemOperations(core);
  const comments = createCommentOperations(core);

  return Object.freeze({
    listProjects: projects.listProjects,
    getProject: projects.getProject,
    listStates: projects.listStates,
    listLabels: projects.listLabels,
    listMembers: projects.listMembers,
    ownerRight: projects.ownerRight,
    checkServiceUser: projects.checkServiceUser,
    searchWorkItems: workItems.searchWorkItems,
    listWorkItems: workItems.listWorkItems,
    getWorkItem: workItems.getWorkItem,
    getWorkItemByIdentifier: workItems.getWorkItemByIdentifier,
    findWorkItemByExternalRef: workItems.findWorkItemByExternalRef,
    createWorkItem: workItems.createWorkItem,
    updateWorkItem: workItems.updateWorkItem,
    listComments: comments.listComments,
    findCommentByExternalRef: comments.findCommentByExternalRef,
    createComment: comments.createComment,
    listActivities: comments.listActivities,
    async close() {
      budget.close();
      cache.clear();
      await conn.close();
    },
  });
}
