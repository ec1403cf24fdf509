/** Way (2): the gateway's REST tool calls, `POST /api/v1/tools/{name}` with a Bearer agent token. */
import { benchInputs, RUN_ID, type SandboxInfo } from "../lib/context.ts";
import type { HttpOp } from "../lib/http.ts";
import type { WayOp } from "../lib/way.ts";

export function toolArguments(s: SandboxInfo) {
  const inp = benchInputs(s);
  return {
    get_card: () => ({ project_id: inp.readProject.id, card: inp.readCard }),
    search_cards: () => ({ project_id: inp.readProject.id, query: inp.searchQuery, limit: inp.searchLimit }),
    create_card: (i: number, who: string) => ({
      project_id: inp.writeProject.id,
      title: `bench ${who} ${RUN_ID} ${i}`,
      description_markdown: "Created by **pnpm bench**.",
    }),
    add_comment: (i: number, who: string) => ({ project_id: inp.writeProject.id, card_id: inp.commentCard, body_markdown: `bench ${who} comment ${RUN_ID} ${i}` }),
  };
}

export function gatewayOps(s: SandboxInfo, gatewayUrl: string, token: string, who: string): WayOp[] {
  const a = toolArguments(s);
  const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
  const key = (op: string) => (i: number) => ({ "idempotency-key": `${RUN_ID}.${who}.${op}.${i}` });
  const ops: HttpOp[] = [
    { name: "get_card", method: "POST", path: "/api/v1/tools/get_card", headers, body: () => JSON.stringify({ arguments: a.get_card() }), write: false },
    { name: "search_cards", method: "POST", path: "/api/v1/tools/search_cards", headers, body: () => JSON.stringify({ arguments: a.search_cards() }), write: false },
    { name: "create_card", method: "POST", path: "/api/v1/tools/create_card", headers, body: (i) => JSON.stringify({ arguments: a.create_card(i, who) }), perCallHeaders: key("create_card"), write: true },
    { name: "add_comment", method: "POST", path: "/api/v1/tools/add_comment", headers, body: (i) => JSON.stringify({ arguments: a.add_comment(i, who) }), perCallHeaders: key("add_comment"), write: true },
  ];
  return ops.map((op) => ({ op: op.name as WayOp["op"], via: `POST /api/v1/tools/${op.name}`, http: { baseUrl: gatewayUrl, op } }));
}
