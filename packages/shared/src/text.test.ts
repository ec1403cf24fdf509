import { describe, expect, it } from "vitest";
import { isStorableText, storableText, toStorableText, truncateCodePoints } from "./text";

describe("storable text", () => {
  it.each([
    ["NUL", "a\u0000b"],
    ["a lone high surrogate", "a\uD83Db"],
    ["a lone low surrogate", "a\uDE00b"],
    ["a reversed pair", "\uDE00\uD83D"],
  ])("refuses %s", (_what, value) => {
    expect(isStorableText(value)).toBe(false);
    expect(storableText().safeParse(value).success).toBe(false);
  });

  it("accepts ordinary text, emoji and other astral characters", () => {
    for (const value of ["", "plain", "😀 done", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "\uFFFD"]) expect(storableText().safeParse(value).success).toBe(true);
  });

  it("makes any string storable, replacing only the bad units", () => {
    expect(toStorableText("evil\u0000 \uD83D x 😀 \uDE00")).toBe("evil\uFFFD \uFFFD x 😀 \uFFFD");
    expect(isStorableText(toStorableText("\u0000\uD800\uDFFF\uDC00"))).toBe(true);
    const ok = "nothing to do";
    expect(toStorableText(ok)).toBe(ok);
  });

  it("cuts by code point, never inside a surrogate pair", () => {
    const title = "a".repeat(119) + "😀" + "tail";
    expect(truncateCodePoints(title, 120)).toBe("a".repeat(119) + "😀");
    expect(truncateCodePoints("😀😀😀", 2)).toBe("😀😀");
    expect(truncateCodePoints("short", 120)).toBe("short");
    expect(isStorableText(truncateCodePoints("a".repeat(119) + "😀", 120))).toBe(true);
  });
});
