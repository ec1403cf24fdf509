import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TOOL_SPECS } from "@nodedc/shared";
import { HttpError } from "../../http/http-error";
import { defineTool, type ToolDeps } from "../tool-definition";
import { checkOutput } from "./check-output";
import type { ToolCall } from "./tool-call";

const tool = defineTool({
  spec: { ...TOOL_SPECS.whoami, outputSchema: z.object({ title: z.string(), tags: z.array(z.string()).optional() }) },
  handler: async () => ({ title: "t" }),
});

function callWith(checkOutputSetting: boolean): { call: ToolCall; errors: string[] } {
  const errors: string[] = [];
  const logger = { error: (_: unknown, msg: string) => void errors.push(msg), warn: () => {}, info: () => {} };
  const deps = { logger, settings: { checkOutput: checkOutputSetting } } as unknown as ToolDeps;
  return { call: { deps, tool, agent: null as never, requestId: "req-check-output" }, errors };
}

describe("check output", () => {
  it("answers the result's JSON text when it matches the schema exactly", () => {
    const { call } = callWith(true);
    expect(checkOutput(call, { title: "t", tags: ["a"] })).toBe('{"result":{"title":"t","tags":["a"]}}');
  });

  it("in development and tests refuses a result that breaks its schema (logged, 500 internal)", () => {
    const { call, errors } = callWith(true);
    const error = (() => {
      try {
        return checkOutput(call, { title: 1 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).code).toBe("internal");
    expect(errors).toEqual(["tool result does not match its output schema"]);
  });

  it("refuses a result the schema would change (a stripped field), since production sends it unparsed", () => {
    const { call, errors } = callWith(true);
    expect(() => checkOutput(call, { title: "t", raw_html: "<p>x</p>" })).toThrow(HttpError);
    expect(errors).toEqual(["tool result does not match its output schema"]);
  });

  it("in production sends the result as the handler built it, without parsing it again", () => {
    const { call, errors } = callWith(false);
    expect(checkOutput(call, { title: "t" })).toBe('{"result":{"title":"t"}}');
    expect(errors).toEqual([]);
  });
});
