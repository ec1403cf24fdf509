import { describe, expect, it } from "vitest";
import { TOOL_NAMES, WRITE_TOOL_NAMES } from "@nodedc/shared";
import { fallbackTools } from "./fallback-tools";
import { toMcpTool, toMcpTools } from "./tool-conversion";
import { retryDelayMs } from "./tool-calls";

describe("gateway tool → MCP tool", () => {
  it("maps name, title, description, schemas and annotations", () => {
    const tool = toMcpTool({
      name: "create_card",
      title: "Create a card",
      description: "Creates a card.",
      input_schema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
      output_schema: { type: "object", properties: { card: { type: "object" } } },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      scope: "cards:write",
    });
    expect(tool).toEqual({
      name: "create_card",
      title: "Create a card",
      description: "Creates a card.",
      inputSchema: { type: "object", properties: { title: { type: "string" } }, required: ["title"] },
      outputSchema: { type: "object", properties: { card: { type: "object" } } },
      annotations: { title: "Create a card", readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    });
  });

  it("drops unusable entries and rejects a list of the wrong shape", () => {
    expect(toMcpTools({ tools: [{ name: "ok" }, { name: "bad name!" }, null] })?.map((t) => t.name)).toEqual(["ok"]);
    expect(toMcpTools({ items: [] })).toBeNull();
    expect(toMcpTool({ name: "x", input_schema: { type: "array" } })?.inputSchema).toEqual({ type: "object", properties: {} });
  });
});

describe("built-in tool list", () => {
  it("has every fixed tool with write annotations on the writes", () => {
    const tools = fallbackTools();
    expect(tools.map((t) => t.name)).toEqual([...TOOL_NAMES]);
    for (const tool of tools) {
      const write = (WRITE_TOOL_NAMES as readonly string[]).includes(tool.name);
      expect(tool.annotations?.readOnlyHint).toBe(!write);
      if (write) expect(tool.annotations).toMatchObject({ destructiveHint: false, idempotentHint: true });
    }
  });
});

describe("write retry backoff", () => {
  it("uses Retry-After when given (capped at 5 s), else 250 ms then 1 s", () => {
    expect(retryDelayMs(1, null)).toBe(250);
    expect(retryDelayMs(2, null)).toBe(1000);
    expect(retryDelayMs(1, 2)).toBe(2000);
    expect(retryDelayMs(1, 60)).toBe(5000);
  });
});
