import type { GatewayVariables } from "../http/context";
import type { ConsoleSession } from "./session-store";

/** Context variables of /console requests. */
export interface ConsoleEnv {
  Variables: GatewayVariables & {
    /** The nonce this response's CSP allows scripts with. */
    cspNonce: string;
    /** The signed-in human (set by requireConsoleSession). */
    consoleSession: ConsoleSession;
  };
}
