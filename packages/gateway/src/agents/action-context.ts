import type { Context } from "hono";
import type { LauncherUser } from "../auth/launcher-jwt";
import type { GatewayEnv } from "../http/context";
import { actorOf } from "./agent-access";

/**
 * Who is acting and through which door. The internal API and the console call the same
 * services with one of these, so a rule lives once and every audit event names the human.
 */
export interface ActionContext {
  user: LauncherUser;
  requestId: string;
  /** "console" when a human clicked in /console; recorded in the audit details. */
  via: "api" | "console";
}

/** The audit fields every human/service action starts with. */
export function auditActor(ctx: ActionContext): { actor_type: "user" | "service"; actor_user_id: string; request_id: string } {
  return { ...actorOf(ctx.user), request_id: ctx.requestId };
}

/** Adds `via: "console"` to audit details of console actions (API events keep their shape). */
export function withVia<T extends Record<string, unknown>>(ctx: ActionContext, details: T): T & { via?: "console" } {
  return ctx.via === "console" ? { ...details, via: "console" } : details;
}

/** The context of an internal-API request (Launcher JWT already verified). */
export function apiContext(c: Context<GatewayEnv>): ActionContext {
  return { user: c.get("user"), requestId: c.get("requestId"), via: "api" };
}
