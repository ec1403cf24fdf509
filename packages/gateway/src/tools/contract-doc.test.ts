import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderToolsContract } from "./contract-doc";
import { TOOLS } from "./registry";

const DOC = fileURLToPath(new URL("../../../../docs/MCP_TOOLS_CONTRACT.md", import.meta.url));

describe("docs/MCP_TOOLS_CONTRACT.md", () => {
  it("is exactly what the registry generates (run packages/gateway/scripts/gen-tools-doc.ts after a change)", () => {
    expect(readFileSync(DOC, "utf8")).toBe(renderToolsContract());
  });

  it("documents every tool with scope, annotations and untrusted fields", () => {
    const doc = renderToolsContract();
    for (const t of TOOLS) {
      expect(doc).toContain(`## \`${t.name}\``);
      expect(doc).toContain(`**Scope:** \`${t.scope}\``);
    }
    expect(doc).toContain("`card.title`");
    expect(doc).toContain("`comments[].body_markdown`");
  });
});
