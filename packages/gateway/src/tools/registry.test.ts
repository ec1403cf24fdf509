import { describe, expect, it } from "vitest";
import { TOOL_FACTS, TOOL_NAMES, TOOL_SPECS, WRITE_TOOL_NAMES } from "@nodedc/shared";
import { TOOL_SCOPE } from "../agents/tool-access";
import { TOOLS } from "./registry";
import { isWriteTool } from "./tool-definition";

describe("the registry derives every tool fact from @nodedc/shared", () => {
  it("lists each tool of DESIGN §4 once, in order", () => {
    expect(TOOLS.map((t) => t.name)).toEqual([...TOOL_NAMES]);
  });

  it.each(TOOL_NAMES)("%s: name, scope, access, annotations and both schemas are the shared spec's own", (name) => {
    const tool = TOOLS.find((t) => t.name === name)!;
    const spec = TOOL_SPECS[name];
    for (const key of ["title", "description", "scope", "access", "projectScoped", "annotations", "inputSchema", "outputSchema"] as const) {
      expect(tool[key], key).toBe(spec[key]);
    }
    expect(TOOL_SCOPE[name]).toBe(TOOL_FACTS[name].scope);
    expect(isWriteTool(tool)).toBe(WRITE_TOOL_NAMES.includes(name));
    expect(tool.annotations.readOnlyHint).toBe(TOOL_FACTS[name].access === "read");
  });
});
