import { describe, expect, it } from "vitest";
import { AuthCache } from "./auth-cache";
import type { TokenAuthRow } from "../tokens/token-store";

const row = (token_id: string) => ({ token_id }) as TokenAuthRow;

describe("AuthCache", () => {
  it("keeps at most maxEntries, dropping the least recently stored", () => {
    const cache = new AuthCache({ maxEntries: 2 });
    cache.set("a", row("a"), "1", 0);
    cache.set("b", row("b"), "1", 0);
    cache.set("a", row("a2"), "2", 0);
    cache.set("c", row("c"), "2", 0);
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.row.token_id).toBe("a2");
    expect(cache.get("c")?.epoch).toBe("2");
  });

  it("forgets an entry older than the TTL", () => {
    const cache = new AuthCache({ ttlMs: 1000 });
    cache.set("a", row("a"), "1", 0, 10_000);
    expect(cache.get("a", 10_999)).toBeDefined();
    expect(cache.get("a", 11_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
