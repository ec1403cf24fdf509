import { describe, expect, it } from "vitest";
import { generateAgentToken } from "@nodedc/shared";
import { openSuccessor, sealSuccessor } from "./replay-seal";

const ID = "5b0c5a8e-55a7-4c2b-9a55-0d3f1f3e8a11";

describe("sealed rotation successor", () => {
  it("opens only with the predecessor token and the same successor id", () => {
    const old = generateAgentToken();
    const successor = generateAgentToken();
    const sealed = sealSuccessor(old, ID, successor);
    expect(sealed.includes(Buffer.from(successor))).toBe(false);
    expect(sealed.includes(Buffer.from(successor.slice(5, 45)))).toBe(false);
    expect(openSuccessor(old, ID, sealed)).toBe(successor);
    expect(openSuccessor(generateAgentToken(), ID, sealed)).toBeNull();
    expect(openSuccessor(old, "6b0c5a8e-55a7-4c2b-9a55-0d3f1f3e8a11", sealed)).toBeNull();
  });

  it("refuses a tampered or truncated seal", () => {
    const old = generateAgentToken();
    const sealed = sealSuccessor(old, ID, generateAgentToken());
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(openSuccessor(old, ID, flipped)).toBeNull();
    expect(openSuccessor(old, ID, sealed.subarray(0, 40))).toBeNull();
  });

  it("uses a fresh salt and iv each time", () => {
    const old = generateAgentToken();
    const successor = generateAgentToken();
    expect(sealSuccessor(old, ID, successor).equals(sealSuccessor(old, ID, successor))).toBe(false);
  });
});
