import { z } from "zod";

export const SCOPES = ["cards:read", "cards:write", "comments:write", "sessions:report"] as const;
export type Scope = (typeof SCOPES)[number];
export const scopeSchema = z.enum(SCOPES);

/** `whoami` needs no scope: any valid token may ask who it is. */
export const ANY_SCOPE = "any" as const;
export type ToolScope = Scope | typeof ANY_SCOPE;
