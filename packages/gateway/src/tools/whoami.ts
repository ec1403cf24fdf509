import { LIMITS, TOOL_SPECS, wrapUntrusted } from "@nodedc/shared";
import { usableScopes } from "../grants/owner-right";
import { defineTool } from "./tool-definition";

export const whoamiTool = defineTool({
  spec: TOOL_SPECS.whoami,
  async handler(deps, ctx) {
    const { agent, owner, token, grants } = ctx.agent;
    // one owner-right lookup per grant, in parallel (answered from the member-list cache when warm)
    const usable = await Promise.all(grants.map((g) => usableScopes(deps.tasker, ctx.call, g.project_id, owner.email, g.scopes)));
    return {
      agent: { id: agent.id, display_name: agent.display_name },
      owner: { user_id: owner.user_id, email: owner.email },
      token: { id: token.id, prefix: token.prefix, last4: token.last4, expires_at: token.expires_at },
      grants: grants.map((g, i) => ({
        project_id: g.project_id,
        workspace_slug: g.workspace_slug,
        project_identifier: g.project_identifier,
        project_name: wrapUntrusted(g.project_name),
        scopes: g.scopes,
        ...usable[i]!,
      })),
      limits: {
        agent_calls_per_min: deps.settings.agentRateLimitPerMin,
        owner_calls_per_min: deps.settings.ownerRateLimitPerMin,
        max_page_size: LIMITS.max_page_size,
        max_markdown_chars: LIMITS.max_markdown_chars,
        max_body_bytes: LIMITS.max_body_bytes,
      },
    };
  },
});
