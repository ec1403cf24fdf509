import { uuidSchema, type Scope } from "@nodedc/shared";
import type { AgentContext, AgentGrantContext } from "../../auth/agent-context";
import { HttpError } from "../../http/http-error";
import type { AnyToolDefinition } from "../tool-definition";
import { Denial } from "./denial";
import { assertOwnerRight } from "./owner-right";
import type { ToolCall } from "./tool-call";

/** Whether the token may use the tool at all (GET /tools lists only these). */
export function tokenMayUse(agent: AgentContext, tool: AnyToolDefinition): boolean {
  return tool.scope === "any" || agent.grants.some((g) => g.scopes.includes(tool.scope as Scope));
}

function scopeMissing(tool: AnyToolDefinition, where: string): HttpError {
  return new HttpError(
    "scope_missing",
    `${tool.name} needs scope ${tool.scope} ${where}; ask your owner to add it to your grant (whoami lists your scopes)`,
    { required_scope: tool.scope },
  );
}

/**
 * Step 3, authorise: the tool's scope in some grant → the project granted (no Tasker call
 * when not) → the scope in that grant → the owner's own right in Tasker (owner-right.ts).
 * Returns the grant of a project-level call; null for whoami / list_projects, and when
 * `project_id` is missing or malformed (argument parsing reports that next).
 */
export async function authorise(call: ToolCall, rawArguments: Record<string, unknown>): Promise<AgentGrantContext | null> {
  const { agent, tool } = call;
  if (!tokenMayUse(agent, tool)) throw new Denial(scopeMissing(tool, "in at least one granted project"));
  if (!tool.projectScoped) return null;
  const parsed = uuidSchema.safeParse(rawArguments.project_id);
  if (!parsed.success) return null;
  const wanted = parsed.data.toLowerCase();
  const grant = agent.grants.find((g) => g.project_id.toLowerCase() === wanted);
  if (!grant) {
    throw new Denial(
      new HttpError("project_not_granted", "this project is not granted to you; use a project_id from list_projects", { project_id: wanted }),
      { project_id: wanted },
      null,
    );
  }
  if (tool.scope !== "any" && !grant.scopes.includes(tool.scope as Scope)) throw new Denial(scopeMissing(tool, "in this project"), {}, grant.project_id);
  await assertOwnerRight(call, grant);
  return grant;
}
