import * as contract from "@nodedc/shared";
import { describe, expect, it } from "vitest";
import * as leaves from "./contract-leaves";

describe("contract leaves", () => {
  it("are the very values the @nodedc/shared index exports", () => {
    for (const [name, value] of Object.entries(leaves)) {
      expect(contract[name as keyof typeof contract], name).toBe(value);
    }
  });
});
