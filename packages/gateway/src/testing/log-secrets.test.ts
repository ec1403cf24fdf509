import { describe, expect, it } from "vitest";
import { assertNoSecretShapedLogLines, findSecretShapedLogLines } from "./log-secrets";

const TOKEN = `ndca_${"a1B2c3D4e5".repeat(4)}AbCdEf`;

describe("secret-shaped log lines", () => {
  it("finds tokens and displayed pairing codes, nothing else", () => {
    const lines = [
      `{"msg":"ok","token_id":"0d0c0002-0000-4000-8000-000000000001","prefix":"ndca_a1B2"}`,
      `{"msg":"leak","presented":"${TOKEN}"}`,
      `{"msg":"code","code":"BCDF-GHJK"}`,
      `{"msg":"HTTP GET-POST","path":"/api/v1/agents"}`,
    ];
    expect(findSecretShapedLogLines(lines)).toEqual([lines[1], lines[2]]);
  });

  it("throws without echoing the token", () => {
    expect(() => assertNoSecretShapedLogLines([`{"t":"${TOKEN}"}`])).toThrow(/rule 3/);
    try {
      assertNoSecretShapedLogLines([`{"t":"${TOKEN}"}`]);
    } catch (e) {
      expect((e as Error).message).not.toContain(TOKEN);
    }
    expect(() => assertNoSecretShapedLogLines([`{"msg":"fine"}`])).not.toThrow();
  });
});
