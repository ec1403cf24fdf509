import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "./embedded";
import { needsInitdb } from "./pglite-initdb";

async function settings(url: string): Promise<Record<string, string>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ name: string; setting: string }[]>`SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name IN ('shared_buffers', 'TimeZone', 'DateStyle')`;
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } finally {
    await sql.end();
  }
}

describe("embedded PGlite on disk", () => {
  it("creates the cluster (in a child process), runs with the small shared_buffers, keeps initdb's postgresql.conf, and reopens", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "pglite-disk-")), "data");
    const first = await startEmbeddedPostgres(dir, 4);
    try {
      expect(needsInitdb(dir)).toBe(false);
      expect(await settings(first.url)).toEqual({ shared_buffers: "16MB", TimeZone: "UTC", DateStyle: "ISO, MDY" });
      const sql = postgres(first.url, { max: 1, onnotice: () => {} });
      await sql`CREATE TABLE kept (v text)`;
      await sql`INSERT INTO kept VALUES ('survives a restart')`;
      await sql.end();
    } finally {
      await first.close();
    }
    const again = await startEmbeddedPostgres(dir, 4);
    try {
      const sql = postgres(again.url, { max: 1, onnotice: () => {} });
      expect(await sql`SELECT v FROM kept`).toEqual([{ v: "survives a restart" }]);
      await sql.end();
      expect((await settings(again.url)).shared_buffers).toBe("16MB");
    } finally {
      await again.close();
    }
  });

  it("in memory (tests) runs with the same settings", async () => {
    const db = await startEmbeddedPostgres("memory://", 4);
    try {
      expect((await settings(db.url)).shared_buffers).toBe("16MB");
    } finally {
      await db.close();
    }
  });
});
