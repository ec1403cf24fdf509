import type { AgentContext } from "../auth/agent-context";
import type { LauncherUser } from "../auth/launcher-jwt";

/** Typed context variables (hono's ContextVariableMap), set by the gateway's middleware. */
export interface GatewayVariables {
  /** Set by the request-id middleware on every request. */
  requestId: string;
  /** Set by requireUser on internal routes. */
  user: LauncherUser;
  /** Set by requireAgent on agent routes. */
  agent: AgentContext;
  /**
   * Set by requireAgent with `agent`: the auth_epoch of the cached auth row it used, or null
   * when the row was read from the database for this request. A tool call whose rate-limit
   * statement sees another epoch is authenticated again (auth/auth-cache.ts).
   */
  authEpoch: string | null;
}

export interface GatewayEnv {
  Variables: GatewayVariables;
}

declare module "hono" {
  // Declaration merging needs an interface; it deliberately adds GatewayVariables' members.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ContextVariableMap extends GatewayVariables {}
}
