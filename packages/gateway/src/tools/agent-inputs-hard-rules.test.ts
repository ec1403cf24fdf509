import { pairingExchangeRequestSchema, rotateTokenRequestSchema, toolCallRequestSchema } from "@nodedc/shared";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TOOLS } from "./registry";
import { describeTool } from "./tool-descriptor";
import { stringLeaves } from "../testing/schema-leaves";

/**
 * DESIGN §9 rules 1 and 2 at the contract level, independent of the shared TOOL_NAMES list
 * (which a change could extend together with the registry):
 * - rule 1: the tools are exactly the ten of DESIGN §4, none deletes, archives or moves, and
 *   no write tool is marked destructive;
 * - rule 2: nothing an agent sends names a URL, host or path — no tool argument and no field
 *   of the agent routes' bodies (pairing exchange, tool call, token rotation) is URL-shaped,
 *   so the gateway never has a URL or path from an agent to follow. Beyond names and
 *   formats, every string field is probed with URLs, hosts and paths: one that accepts them
 *   must be listed in FREE_TEXT with the reason the gateway never follows it, so a new
 *   `next: z.string()` "page URL" fails here until someone decides otherwise on purpose.
 *   Path tricks in the tool *name* are covered by tools-bad-input.int.test.ts "unknown tools
 *   and path tricks → 404 tool_not_found".
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

/** Agent inputs that accept any text, and why none of them is ever fetched, opened or used as a path. */
const FREE_TEXT: Record<string, string> = {
  "tool search_cards: query": "matched against card text in the gateway",
  "tool search_cards: cursor": "opaque, decoded by the gateway into offsets; never a link",
  "tool create_card: title": "sent to Tasker as the card's name",
  "tool create_card: description_markdown": "rendered to sanitised HTML, sent as the description",
  "tool create_card: idempotency_key": "compared as a key, never dereferenced",
  "tool update_card: title": "sent to Tasker as the card's name",
  "tool update_card: description_markdown": "rendered to sanitised HTML, sent as the description",
  "tool update_card: idempotency_key": "compared as a key, never dereferenced",
  "tool add_comment: body_markdown": "rendered to sanitised HTML, sent as the comment",
  "tool add_comment: idempotency_key": "compared as a key, never dereferenced",
  "tool report_session: summary": "escaped into the session comment and stored",
  "tool report_session: details_markdown": "rendered to sanitised HTML in the session comment",
  "tool report_session: idempotency_key": "compared as a key, never dereferenced",
  "POST /pairing/exchange: code": "hashed and compared with stored hashes",
  "POST /pairing/exchange: device_name": "stored as the token's label",
  "POST /pairing/exchange: client.name": "stored as the token's client label",
  "POST /pairing/exchange: client.version": "stored as the token's client label",
  "POST /pairing/exchange: client.platform": "stored as the token's client label",
  "POST /tools/{name}: arguments{key}": "each key is checked again by the tool's strict schema",
};
const URL_PROBES = [
  "https://evil.example/x",
  "http://169.254.169.254/latest/meta-data",
  "//evil.example/x",
  "file:///etc/passwd",
  "/etc/passwd",
  "../../etc/passwd",
  "evil.example:8080",
  "localhost",
];

describe("hard rule 2: no agent input is a URL or a path", () => {
  const schemas: [string, z.ZodType][] = [
    ...TOOLS.map((t): [string, z.ZodType] => [`tool ${t.name}`, t.inputSchema as z.ZodType]),
    ["POST /pairing/exchange", pairingExchangeRequestSchema],
    ["POST /tools/{name}", toolCallRequestSchema],
    ["POST /agent-session/rotate", rotateTokenRequestSchema],
  ];
  const inputs: [string, unknown][] = [
    ...TOOLS.map((t): [string, unknown] => [`tool ${t.name}`, describeTool(t).input_schema]),
    ...schemas.slice(TOOLS.length).map(([label, schema]): [string, unknown] => [label, z.toJSONSchema(schema, { io: "input" })]),
  ];
  const leaves = schemas.flatMap(([label, schema]) => stringLeaves(schema).map((l): [string, z.ZodType] => [`${label}: ${l.path}`, l.schema]));

  it.each(inputs)("%s takes no URL-, host- or path-shaped field", (_label, schema) => {
    const props = properties(schema);
    for (const [name] of props) expect(name).not.toMatch(URL_SHAPED_NAME);
    for (const format of formats(schema)) expect(["uri", "url", "uri-reference", "iri", "hostname", "ipv4", "ipv6"]).not.toContain(format);
  });

  it.each(leaves)("%s accepts no URL, host or path unless it is listed as free text", (label, leaf) => {
    const accepted = URL_PROBES.filter((probe) => leaf.safeParse(probe).success);
    if (label in FREE_TEXT) expect(accepted.length, `${label} is listed as free text but refuses every probe: take it off the list`).toBeGreaterThan(0);
    else expect(accepted, `${label} accepts URL-, host- or path-shaped text: constrain it (format, pattern, enum) or list it in FREE_TEXT with a reason`).toEqual([]);
  });

  it("every FREE_TEXT entry names a field that exists", () => {
    const labels = new Set(leaves.map(([label]) => label));
    for (const listed of Object.keys(FREE_TEXT)) expect(labels.has(listed), listed).toBe(true);
  });

  it("the scan is real: it sees the arguments of a write tool", () => {
    const names = properties(describeTool(TOOLS.find((t) => t.name === "create_card")!).input_schema).map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(["project_id", "title", "description_markdown", "idempotency_key"]));
  });
});
