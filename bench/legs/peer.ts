/**
 * Way (4): @makeplane/plane-mcp-server 0.1.5 (the deprecated Node package) over stdio, with
 * the raw Plane key, pointed at the same sandbox. Its equivalents of our four tools:
 *   get_card     → get_issue_using_readable_identifier (GET workspaces/{slug}/issues/DEMO-1/)
 *   search_cards → list_project_issues (GET projects/{id}/issues/; it has no search tool)
 *   create_card  → create_issue (POST projects/{id}/issues/)
 *   add_comment  → add_issue_comment (POST projects/{id}/issues/{id}/comments/)
 */
import { join } from "node:path";
import { benchInputs, RUN_ID, type SandboxInfo } from "../lib/context.ts";
import { connectStdio, type StdioServer } from "../lib/mcp-client.ts";
import { ROOT } from "../lib/paths.ts";
import type { WayOp } from "../lib/way.ts";

export const PEER_ENTRY = join(ROOT, "node_modules/@makeplane/plane-mcp-server/build/index.js");

export function peerEnv(s: SandboxInfo): Record<string, string> {
  return { PLANE_API_KEY: s.keys.service!, PLANE_API_HOST_URL: s.url, PLANE_WORKSPACE_SLUG: s.workspaceSlug };
}

export function startPeer(s: SandboxInfo): Promise<StdioServer> {
  return connectStdio(process.execPath, [PEER_ENTRY], peerEnv(s));
}

export function peerOps(s: SandboxInfo, peer: StdioServer): WayOp[] {
  const inp = benchInputs(s);
  return [
    {
      op: "get_card",
      via: "get_issue_using_readable_identifier",
      call: () => peer.call("get_issue_using_readable_identifier", { project_identifier: inp.readProject.identifier, issue_identifier: "1" }),
    },
    { op: "search_cards", via: "list_project_issues (no search)", call: () => peer.call("list_project_issues", { project_id: inp.readProject.id }) },
    {
      op: "create_card",
      via: "create_issue",
      call: (i) =>
        peer.call("create_issue", {
          project_id: inp.writeProject.id,
          issue_data: { name: `bench peer ${RUN_ID} ${i}`, description_html: "<p>Created by <strong>pnpm bench</strong>.</p>" },
        }),
    },
    {
      op: "add_comment",
      via: "add_issue_comment",
      call: (i) => peer.call("add_issue_comment", { project_id: inp.writeProject.id, issue_id: inp.commentCard, comment_html: `<p>bench peer comment ${RUN_ID} ${i}</p>` }),
    },
  ];
}
