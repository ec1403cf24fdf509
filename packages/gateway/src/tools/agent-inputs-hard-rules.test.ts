import { pairingExchangeRequestSchema, toolCallRequestSchema } from "@nodedc/shared";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TOOLS } from "./registry";
import { describeTool } from "./tool-descriptor";

/**
 * DESIGN §9 rules 1 and 2 at the contract level, independent of the shared TOOL_NAMES list
 * (which a change could extend together with the registry):
 * - rule 1: the tools are exactly the ten of DESIGN §4, none deletes, archives or moves, and
 *   no write tool is marked destructive;
 * - rule 2: nothing an agent sends names a URL, host or path — no tool argument and no field
 *   of the agent routes' bodies (pairing exchange, tool call) is URL-shaped, so the gateway
 *   never has a URL or path from an agent to follow. Path tricks in the tool *name* are
 *   covered by tools-bad-input.int.test.ts "unknown tools and path tricks → 404 tool_not_found".
 */
const DESIGN_TOOLS = [
  "whoami",
  "list_projects",
  "describe_project",
  "search_cards",
  "get_card",
  "get_recent_activity",
  "create_card",
  "update_card",
  "add_comment",
  "report_session",
];
const DESTRUCTIVE_VERB = /delete|archive|remove|destroy|purge|move|transfer|restore|member|invite|(^|_)(state|label)s?(_|$)/i;
const URL_SHAPED_NAME = /url|uri|href|link|path|endpoint|host|origin|domain|webhook|callback|redirect|server|base/i;

type JsonSchema = { [k: string]: unknown };

/** Every (property name, schema) pair anywhere in a JSON schema. */
function properties(schema: unknown, out: [string, JsonSchema][] = []): [string, JsonSchema][] {
  if (Array.isArray(schema)) {
    for (const s of schema) properties(s, out);
  } else if (schema && typeof schema === "object") {
    const s = schema as JsonSchema;
    if (s.properties && typeof s.properties === "object") {
      for (const [name, sub] of Object.entries(s.properties as Record<string, JsonSchema>)) out.push([name, sub]);
    }
    for (const v of Object.values(s)) properties(v, out);
  }
  return out;
}

function formats(schema: unknown, out: string[] = []): string[] {
  if (Array.isArray(schema)) for (const s of schema) formats(s, out);
  else if (schema && typeof schema === "object") {
    const s = schema as JsonSchema;
    if (typeof s.format === "string") out.push(s.format);
    for (const v of Object.values(s)) formats(v, out);
  }
  return out;
}

describe("hard rule 1: no tool deletes, archives or moves", () => {
  it("registers exactly the ten tools of DESIGN §4", () => {
    expect(TOOLS.map((t) => t.name)).toEqual(DESIGN_TOOLS);
  });

  it("no tool name names a destructive action and no tool is annotated destructive", () => {
    for (const t of TOOLS) {
      expect(t.name).not.toMatch(DESTRUCTIVE_VERB);
      expect(describeTool(t).annotations.destructiveHint ?? false, t.name).toBe(false);
    }
  });
});

describe("hard rule 2: no agent input is a URL or a path", () => {
  const inputs: [string, unknown][] = [
    ...TOOLS.map((t): [string, unknown] => [`tool ${t.name}`, describeTool(t).input_schema]),
    ["POST /pairing/exchange", z.toJSONSchema(pairingExchangeRequestSchema, { io: "input" })],
    ["POST /tools/{name}", z.toJSONSchema(toolCallRequestSchema, { io: "input" })],
  ];

  it.each(inputs)("%s takes no URL-, host- or path-shaped field", (_label, schema) => {
    const props = properties(schema);
    for (const [name] of props) expect(name).not.toMatch(URL_SHAPED_NAME);
    for (const format of formats(schema)) expect(["uri", "url", "uri-reference", "iri", "hostname", "ipv4", "ipv6"]).not.toContain(format);
  });

  it("the scan is real: it sees the arguments of a write tool", () => {
    const names = properties(describeTool(TOOLS.find((t) => t.name === "create_card")!).input_schema).map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(["project_id", "title", "description_markdown", "idempotency_key"]));
  });
});
