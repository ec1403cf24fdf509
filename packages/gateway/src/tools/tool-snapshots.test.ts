import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TOOL_NAMES } from "@nodedc/shared";
import { describe, expect, it } from "vitest";
import { TOOLS } from "./registry";
import { describeTool, untrustedPaths } from "./tool-descriptor";

/**
 * Tool-schema snapshots (STYLE rule 4): a changed schema, description or annotation fails
 * here until the snapshot is updated on purpose with UPDATE_TOOLSNAPS=1.
 */
const DIR = fileURLToPath(new URL("./__toolsnaps__/", import.meta.url));
const UPDATE = process.env.UPDATE_TOOLSNAPS === "1";

describe("tool registry", () => {
  it("has the ten tools of DESIGN §4, in order, once each", () => {
    expect(TOOLS.map((t) => t.name)).toEqual([...TOOL_NAMES]);
  });

  it("annotates read tools read-only and write tools idempotent, non-destructive, closed-world", () => {
    for (const t of TOOLS) {
      if (t.annotations.readOnlyHint) {
        expect(["whoami", "list_projects", "describe_project", "search_cards", "get_card", "get_recent_activity"]).toContain(t.name);
      } else {
        expect(t.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false });
        expect(describeTool(t).input_schema.required).toContain("idempotency_key");
      }
    }
  });

  it("has strict inputs (unknown fields rejected) and object schemas for MCP", () => {
    for (const t of TOOLS) {
      const d = describeTool(t);
      expect(d.input_schema.type).toBe("object");
      expect(d.input_schema.additionalProperties).toBe(false);
      expect(d.output_schema.type).toBe("object");
      if (t.projectScoped) expect(d.input_schema.required).toContain("project_id");
    }
  });

  it("marks the Tasker free text of card-returning tools as untrusted", () => {
    const paths = untrustedPaths(describeTool(TOOLS.find((t) => t.name === "get_card")!).output_schema);
    expect(paths).toEqual(expect.arrayContaining(["card.title", "card.description_markdown", "comments[].body_markdown", "activity[].new_value"]));
    expect(paths).not.toContain("card.id");
  });

  it.each(TOOLS.map((t) => [t.name, t] as const))("%s matches its snapshot", (name, tool) => {
    const file = `${DIR}${name}.snap.json`;
    const current = `${JSON.stringify(describeTool(tool), null, 2)}\n`;
    if (UPDATE || !existsSync(file)) {
      if (!UPDATE && process.env.CI) throw new Error(`missing snapshot ${file}; run with UPDATE_TOOLSNAPS=1`);
      mkdirSync(DIR, { recursive: true });
      writeFileSync(file, current);
    }
    expect(current, `tool ${name} changed: review, then run with UPDATE_TOOLSNAPS=1`).toBe(readFileSync(file, "utf8"));
  });
});
