import type { SessionGrant } from "@nodedc/shared";
import { GatewayError, GatewayUnreachableError } from "./gateway-client";

/**
 * Gateway failures in words that tell the agent AND the human what to do next. Used for
 * MCP `isError` results and for CLI messages alike.
 */
export interface ErrorContext {
  gatewayUrl: string;
  /** Granted projects known locally (from pairing or the last session), for project_not_granted. */
  grants?: SessionGrant[];
  tool?: string;
}

export const REPAIR_STEP = "Ask your Tasker owner for a new pairing code, then run: npx nodedc-tasker pair <code>";

const OPEN_TAG = '<tasker-content untrusted="true">';

/** Tasker free text (a project name) in the untrusted envelope of DESIGN §4, as the tools return it. */
export function untrusted(text: string): string {
  if (text.startsWith(OPEN_TAG) && text.endsWith("</tasker-content>")) return text;
  const escaped = text.replace(/<(\/?)tasker-content/gi, "&lt;$1tasker-content");
  return `${OPEN_TAG}${escaped}</tasker-content>`;
}

export function describeGrants(grants: SessionGrant[]): string {
  if (grants.length === 0) return "none";
  return grants
    .map((g) => `${g.project_identifier ?? "project"} (project_id ${g.project_id}${g.project_name ? `, name ${untrusted(g.project_name)}` : ""}: ${g.scopes.join(", ")})`)
    .join("; ");
}

function grantsFromDetails(details: unknown): SessionGrant[] | null {
  const d = details as { granted_projects?: unknown; grants?: unknown } | null | undefined;
  const list = d?.granted_projects ?? d?.grants;
  if (!Array.isArray(list)) return null;
  return list.filter((g): g is SessionGrant => typeof g === "object" && g !== null && typeof (g as SessionGrant).project_id === "string").map((g) => ({
    project_id: g.project_id,
    workspace_slug: g.workspace_slug ?? "",
    project_identifier: g.project_identifier ?? null,
    project_name: g.project_name ?? null,
    scopes: Array.isArray(g.scopes) ? g.scopes : [],
  }));
}

function formatIssues(details: unknown): string {
  const issues = (details as { issues?: unknown } | null | undefined)?.issues ?? details;
  if (!Array.isArray(issues)) return details === undefined || details === null ? "" : ` Details: ${JSON.stringify(details).slice(0, 800)}`;
  const lines = issues.slice(0, 20).map((issue) => {
    const i = issue as { path?: unknown; message?: unknown };
    const where = Array.isArray(i.path) && i.path.length > 0 ? i.path.join(".") : typeof i.path === "string" && i.path ? i.path : "(arguments)";
    return `- ${where}: ${typeof i.message === "string" ? i.message : JSON.stringify(issue)}`;
  });
  return `\n${lines.join("\n")}`;
}

function retryIn(seconds: number | null): string {
  if (seconds === null) return "in a little while";
  return seconds <= 1 ? "in 1 second" : `in ${seconds} seconds`;
}

export function explainGatewayFailure(error: unknown, ctx: ErrorContext): string {
  if (error instanceof GatewayUnreachableError) {
    return (
      `The Tasker gateway at ${ctx.gatewayUrl} is unreachable (${error.reason}). ` +
      "Nothing was changed. Check your network or VPN, then retry; to diagnose, run: npx nodedc-tasker doctor"
    );
  }
  if (!(error instanceof GatewayError)) return `Unexpected failure: ${(error as Error)?.message ?? String(error)}`;
  const ref = error.requestId ? ` (request ${error.requestId})` : "";
  switch (error.code) {
    case "unauthenticated":
      return `This agent's token was revoked or expired. ${REPAIR_STEP}${ref}`;
    case "owner_inactive":
      return `The owner of this agent is blocked or no longer active, so the agent may not act. Ask the owner or a platform admin to restore the account.${ref}`;
    case "agent_paused":
      return `This agent is paused by its owner. Ask the owner to resume it in Tasker's agent settings, then retry.${ref}`;
    case "project_not_granted": {
      const grants = grantsFromDetails(error.details) ?? ctx.grants ?? [];
      return (
        `This agent has no grant for that project. Granted projects: ${describeGrants(grants)}. ` +
        `Use one of these project_id values (call list_projects to see them), or ask the owner to grant the project.${ref}`
      );
    }
    case "scope_missing": {
      const d = error.details as { required_scope?: string; scope?: string; granted_scopes?: string[] } | null | undefined;
      const needed = d?.required_scope ?? d?.scope;
      return (
        `This agent lacks the scope ${needed ? `"${needed}"` : "this tool needs"} on that project` +
        `${d?.granted_scopes ? ` (it has: ${d.granted_scopes.join(", ") || "none"})` : ""}. ` +
        `Ask the owner to add it to the grant; until then do not retry.${ref}`
      );
    }
    case "rate_limited":
      return `Rate limited by the gateway. Wait and retry ${retryIn(error.retryAfterS)} with the same arguments (and the same idempotency_key for writes).${ref}`;
    case "idempotency_in_progress":
      return `The same write (same idempotency_key) is still being processed. Retry ${retryIn(error.retryAfterS)} with the SAME idempotency_key.${ref}`;
    case "tasker_unavailable":
      return `Tasker is temporarily unavailable. Retry ${retryIn(error.retryAfterS)}; for writes reuse the SAME idempotency_key so nothing is done twice.${ref}`;
    case "validation_failed": {
      const issues = formatIssues(error.details);
      return `The arguments were rejected:${issues.startsWith("\n") ? issues : ` ${error.message}${issues}`}\nFix the arguments and call the tool again.${ref}`;
    }
    case "idempotency_key_reused":
      return `This idempotency_key was already used for a different change. Use a new, unique idempotency_key for a new change.${ref}`;
    case "idempotency_key_required":
      return `This tool changes data and needs an idempotency_key argument: a unique string of 8-128 characters [A-Za-z0-9._:-] per intended change.${ref}`;
    case "idempotency_key_invalid":
      return `The idempotency_key is invalid: use 8-128 characters of [A-Za-z0-9._:-].${ref}`;
    case "not_found":
      return `Not found: ${error.message}. Check the id (search_cards or describe_project list valid ids).${ref}`;
    case "tool_not_found":
      return `The gateway has no tool "${ctx.tool ?? "?"}" for this agent. Restart the MCP client to reload the tool list.${ref}`;
    case "tasker_rejected":
      return `Tasker refused the change: ${error.message}${formatIssues(error.details)}${ref}`;
    case "payload_too_large":
      return `The request is too large (limit 256 KiB). Shorten the text and retry.${ref}`;
    case "forbidden":
      return `Forbidden: ${error.message}${ref}`;
    case "pairing_code_invalid":
      return `The pairing code was not accepted: it is wrong, already used or expired. Ask your Tasker owner for a new code.${ref}`;
    case "internal":
      return `The gateway failed internally${ref}. Retry later; if it keeps failing, report the request id to your Tasker admin.`;
    default:
      return `The gateway answered: ${error.message}${ref}`;
  }
}
