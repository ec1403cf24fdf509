import { describe, expect, it } from "vitest";
import { PAIRING_CODE_ALPHABET, formatPairingCode, generatePairingCode, normalizePairingCode } from "./pairing-code";

describe("pairing code", () => {
  it("draws 8 characters from the consonant alphabet", () => {
    for (let i = 0; i < 500; i++) {
      const code = generatePairingCode();
      expect(code).toHaveLength(8);
      for (const ch of code) expect(PAIRING_CODE_ALPHABET).toContain(ch);
    }
  });

  it("normalises case, dashes and spaces", () => {
    expect(normalizePairingCode("bcdf-ghjk")).toBe("BCDFGHJK");
    expect(normalizePairingCode(" BCDF GHJK ")).toBe("BCDFGHJK");
    expect(normalizePairingCode("bc-df-gh-jk")).toBe("BCDFGHJK");
  });

  it("refuses vowels, digits and wrong lengths", () => {
    expect(normalizePairingCode("ABCD-EFGH")).toBeNull();
    expect(normalizePairingCode("BCDF-GHJ1")).toBeNull();
    expect(normalizePairingCode("BCDF-GHJ")).toBeNull();
    expect(normalizePairingCode("BCDF-GHJKL")).toBeNull();
    expect(normalizePairingCode("")).toBeNull();
  });

  it("formats as XXXX-XXXX", () => {
    expect(formatPairingCode("bcdfghjk")).toBe("BCDF-GHJK");
  });
});
