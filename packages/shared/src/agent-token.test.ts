import { describe, expect, it } from "vitest";
import { AGENT_TOKEN_LENGTH, checksumOf, generateAgentToken, isWellFormedAgentToken, tokenDisplay } from "./agent-token";
import { crc32 } from "./crc32";

describe("agent token format", () => {
  it("matches ndca_ + 40 base62 + 6 base62 checksum", () => {
    const token = generateAgentToken();
    expect(token).toMatch(/^ndca_[0-9A-Za-z]{46}$/);
    expect(token).toHaveLength(AGENT_TOKEN_LENGTH);
    expect(isWellFormedAgentToken(token)).toBe(true);
  });

  it("never repeats across many draws", () => {
    const seen = new Set(Array.from({ length: 2000 }, generateAgentToken));
    expect(seen.size).toBe(2000);
  });

  it("rejects a single changed character through the checksum", () => {
    const token = generateAgentToken();
    const i = 10;
    const swapped = token.slice(0, i) + (token[i] === "a" ? "b" : "a") + token.slice(i + 1);
    expect(isWellFormedAgentToken(swapped)).toBe(false);
  });

  it("rejects wrong prefix, length and alphabet", () => {
    const token = generateAgentToken();
    expect(isWellFormedAgentToken(token.replace("ndca_", "ndcx_"))).toBe(false);
    expect(isWellFormedAgentToken(token.slice(0, -1))).toBe(false);
    expect(isWellFormedAgentToken(token + "0")).toBe(false);
    expect(isWellFormedAgentToken(`ndca_${"-".repeat(46)}`)).toBe(false);
    expect(isWellFormedAgentToken("")).toBe(false);
  });

  it("uses CRC32 (IEEE) over the random part", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    const token = generateAgentToken();
    expect(token.slice(-6)).toBe(checksumOf(token.slice(5, 45)));
  });

  it("shows only the prefix and last four characters", () => {
    const token = generateAgentToken();
    const shown = tokenDisplay(token);
    expect(shown.masked).toBe(`ndca_…${token.slice(-4)}`);
    expect(shown.masked).not.toContain(token.slice(5, 45));
  });
});
