import * as contract from "@nodedc/shared";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { TOOLS } from "../tools/registry";
import { stringLeaves } from "../testing/schema-leaves";

/**
 * DESIGN §9 rule 11 at the contract: every string field of every request the gateway
 * accepts — internal API bodies and queries, pairing, tool calls and each tool's arguments —
 * refuses NUL and unpaired surrogates. A field added later without `storableText()` fails
 * here, without anyone having to list it.
 */
const isSchema = (value: unknown): value is z.ZodType => typeof value === "object" && value !== null && "_zod" in value;
const REQUEST_NAME = /RequestSchema$|QuerySchema$|Input$/;

const requests: [string, z.ZodType][] = [
  ...(Object.entries(contract) as [string, unknown][]).filter((e): e is [string, z.ZodType] => REQUEST_NAME.test(e[0]) && isSchema(e[1])),
  ...TOOLS.map((t): [string, z.ZodType] => [`tool ${t.name}`, t.inputSchema as z.ZodType]),
];
const leaves = requests.flatMap(([name, schema]) => stringLeaves(schema).map((leaf): [string, z.ZodType] => [`${name}: ${leaf.path}`, leaf.schema]));

describe("hard rule 11: no request field accepts a byte Postgres refuses", () => {
  it("the scan is real: it sees the request schemas and their text fields", () => {
    const names = requests.map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(["createAgentRequestSchema", "auditQuerySchema", "pairingExchangeRequestSchema", "toolCallRequestSchema", "tool create_card"]));
    const paths = leaves.map(([p]) => p);
    expect(paths).toEqual(
      expect.arrayContaining([
        "createAgentRequestSchema: display_name",
        "setOwnerStatusRequestSchema: reason",
        "pairingExchangeRequestSchema: client.version",
        "tool create_card: title",
        "tool report_session: summary",
        "tool search_cards: query",
        "toolCallRequestSchema: arguments{key}",
      ]),
    );
  });

  it.each(leaves)("%s refuses NUL and unpaired surrogates", (_path, leaf) => {
    for (const bad of ["ok\u0000ok", "ok\uD800ok", "ok\uDC00ok"]) expect(leaf.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
