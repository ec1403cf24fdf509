import type { Hono } from "hono";
import { buildSandboxApp, type SandboxAppDeps, type SandboxEnv } from "./app";
import { FaultInjector } from "./faults/fault-injector";
import { FIXTURE, seedFixture } from "./fixture";
import { SlidingWindowLimiter } from "./rate-limit/sliding-window";
import { attachDeleteLedger } from "./request-log/delete-ledger";
import { RequestLog } from "./request-log/request-log";
import { SandboxStore } from "./store/sandbox-store";

export const DEFAULT_RATE_LIMIT_PER_MIN = 60;

export interface SandboxOptions {
  /** 0 = random; default 4110. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Per-key requests per minute (Plane: 60); `is_service` keys get 5×. */
  rateLimitPerMin?: number;
  /** Accepted as the service user's key instead of the fixture one (e.g. TASKER_API_KEY). */
  serviceApiKey?: string;
  /** Mount the `/_sandbox/` control endpoints (default true). */
  controlRoutes?: boolean;
  /** Behave like self-hosted Plane ≤ 1.0.x: `/work-items/` → 404, only `/issues/` (§2, plane#8542). */
  legacyIssuesOnly?: boolean;
  /**
   * This instance exists to test the sandbox's own DELETE support: its DELETE requests are
   * entered in the suite-wide ledger as `delete-testing` and do not fail the run (see
   * request-log/delete-ledger.ts). Nothing but the sandbox's contract tests may set it.
   */
  deleteTesting?: boolean;
  /**
   * Answer the project member list like the NODE.DC fork: each entry also carries the
   * membership's `role` and `is_active` (store.settings.forkMemberFields). Default false:
   * plain Plane, which shows neither.
   */
  forkMemberFields?: boolean;
}

export interface SandboxKeys {
  service: string;
  demoOwner: string;
  guest: string;
  outsider: string;
  /** An inactive key (→ 403 "Given API token is not valid"). */
  inactive: string;
  /** An expired key (→ 403). */
  expired: string;
  /** Key of inactive@nodedc.local, whose DEMO membership is inactive. */
  inactiveMember: string;
  /** Key of secret.owner@nodedc.local (admin of SECRET only). */
  secretOwner: string;
  /** Key of project.guest@nodedc.local: workspace member, guest in DEMO. */
  projectGuest: string;
  /** Key of member@nodedc.local: workspace and DEMO member (role 15). */
  member: string;
  /** Key of deactivated@nodedc.local: a deactivated account (valid key, no active membership). */
  deactivated: string;
}

export interface InProcessSandbox {
  app: Hono<SandboxEnv>;
  workspaceSlug: "nodedc";
  keys: SandboxKeys;
  requestLog: RequestLog;
  faults: FaultInjector;
  store: SandboxStore;
  /** Back to the seeded fixture; clears the request log, faults and rate-limit windows. */
  reset(): void;
}

/** The whole sandbox without a socket: use `sandbox.app.request(...)` in tests. */
export function createSandbox(opts: SandboxOptions = {}): InProcessSandbox {
  const store = new SandboxStore();
  const requestLog = new RequestLog();
  attachDeleteLedger(requestLog, { deleteTesting: opts.deleteTesting ?? false });
  const faults = new FaultInjector();
  const limiter = new SlidingWindowLimiter();
  const seedOptions = opts.serviceApiKey ? { serviceApiKey: opts.serviceApiKey } : {};
  const seed = () => {
    seedFixture(store, seedOptions);
    store.settings.forkMemberFields = opts.forkMemberFields ?? false;
  };
  const reset = () => {
    seed();
    requestLog.clear();
    faults.clear();
    limiter.reset();
  };
  seed();
  const app = buildSandboxApp({
    store,
    requestLog,
    faults,
    limiter,
    rateLimitPerMin: opts.rateLimitPerMin ?? DEFAULT_RATE_LIMIT_PER_MIN,
    controlRoutes: opts.controlRoutes ?? true,
    legacyIssuesOnly: opts.legacyIssuesOnly ?? false,
    reset,
  });
  const { keys } = FIXTURE;
  return {
    app,
    workspaceSlug: "nodedc",
    keys: {
      service: opts.serviceApiKey ?? keys.service,
      demoOwner: keys.demoOwner,
      guest: keys.guest,
      outsider: keys.outsider,
      inactive: keys.inactive,
      expired: keys.expired,
      inactiveMember: keys.inactiveMember,
      secretOwner: keys.secretOwner,
      projectGuest: keys.projectGuest,
      member: keys.member,
      deactivated: keys.deactivated,
    },
    requestLog,
    faults,
    store,
    reset,
  };
}

/**
 * The Hono app for in-process `app.request()` tests. With options (or nothing) it seeds its own
 * fixture store; with full `SandboxAppDeps` it wires the given store, log, faults and limiter.
 */
export function createSandboxApp(arg: SandboxOptions | SandboxAppDeps = {}): Hono<SandboxEnv> {
  if ("store" in arg) return buildSandboxApp(arg);
  return createSandbox(arg).app;
}
