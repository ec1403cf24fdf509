import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sql } from "postgres";
import { connect } from "../../db/database";
import { startEmbeddedPostgres } from "../../db/embedded";
import { migrate } from "../../db/migrate";
import { createIsolatedDatabase, type IsolatedDatabase } from "../../testing/isolated-database";
import { sealOnce } from "./sealer";
import { loadSigningKey } from "./signing-key";
import { asTamperingSuperuser, writeEvents } from "./testing.test-support";
import { exportedCheckpointSchema } from "./exported-checkpoint";

/** `pnpm audit:verify` is this file run by tsx from the repository root. */
const cli = fileURLToPath(new URL("./verify-cli.ts", import.meta.url));
const root = fileURLToPath(new URL("../../../../../", import.meta.url));

type Run = { code: number | null; stdout: string; stderr: string };

function runVerify(args: string[], env: Record<string, string>): Promise<Run> {
  return run(process.execPath, ["--import", "tsx", cli, ...args], env);
}

function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

let db: IsolatedDatabase;
let sql: Sql;
const key = loadSigningKey({ value: null, file: null });
const dir = mkdtempSync(join(tmpdir(), "audit-verify-"));
beforeAll(async () => {
  db = await createIsolatedDatabase();
  sql = connect(db.url, { max: 2 });
  await migrate(sql);
});
afterAll(async () => {
  await sql?.end({ timeout: 5 });
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("pnpm audit:verify", () => {
  it("exits 0 with valid:true, exports the checkpoint, and exits 1 naming the event a superuser changed or deleted", async () => {
    const ids = await writeEvents(sql, 30);
    await sealOnce(sql, key);
    const env = { DATABASE_URL: db.url };
    const anchorFile = join(dir, "checkpoint.json");

    const intact = await runVerify(["--json", "--export-checkpoint", anchorFile], env);
    expect(intact.code).toBe(0);
    expect(JSON.parse(intact.stdout)).toMatchObject({ valid: true, sealed_events: 30, checkpoints: 1, elapsed_ms: expect.any(Number) });
    // the command as DESIGN §15 spells it: pnpm prints its "> … audit:verify" banner on
    // stdout before any script, so the JSON is the last line; `pnpm -s` prints the JSON alone
    const viaPnpm = await run("pnpm", ["audit:verify", "--json"], env);
    expect(viaPnpm.code).toBe(0);
    expect(JSON.parse(viaPnpm.stdout.trim().split("\n").at(-1)!)).toMatchObject({ valid: true, sealed_events: 30 });
    const silent = await run("pnpm", ["-s", "audit:verify", "--json"], env);
    expect(silent.code).toBe(0);
    expect(JSON.parse(silent.stdout)).toMatchObject({ valid: true, sealed_events: 30 });
    const exported = exportedCheckpointSchema.parse(JSON.parse(readFileSync(anchorFile, "utf8")));
    expect(exported).toMatchObject({ seq: 1, tree_size: 30, key_id: key.keyId, public_key: key.publicKeyPem });

    const human = await runVerify(["--checkpoint", anchorFile], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/audit log intact: 30 sealed events in 1 checkpoints/);
    expect(human.stdout).toMatch(/still extended/);

    // "first" is in the tree's order, which one INSERT of many rows does not fix: take the
    // events by leaf index, so the deleted one is the earlier leaf of the two
    const leaves = await sql<{ event_id: string }[]>`SELECT event_id FROM audit_leaves ORDER BY leaf_index`;
    expect(leaves.map((l) => l.event_id).sort()).toEqual([...ids].sort());
    const laterLeaf = leaves[17]!.event_id;
    const earlierLeaf = leaves[3]!.event_id;

    await asTamperingSuperuser(sql, (tx) => tx`UPDATE audit_events SET action = 'sealing.innocent' WHERE id = ${laterLeaf}`);
    const changed = await runVerify(["--json"], env);
    expect(changed.code).toBe(1);
    expect(JSON.parse(changed.stdout)).toMatchObject({ valid: false, first_bad_event_id: laterLeaf, reason: "event_changed" });

    await asTamperingSuperuser(sql, (tx) => tx`DELETE FROM audit_events WHERE id = ${earlierLeaf}`);
    const deleted = await runVerify(["--json"], env);
    expect(deleted.code).toBe(1);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ valid: false, first_bad_event_id: earlierLeaf, reason: "event_deleted" });
    const summary = await runVerify([], env);
    expect(summary.code).toBe(1);
    expect(summary.stdout).toContain(`first bad event: ${earlierLeaf}`);
  });

  it("exits 1 on a forged exported checkpoint and 2 when it cannot check at all", async () => {
    const anchorFile = join(dir, "checkpoint.json");
    const forged = { ...JSON.parse(readFileSync(anchorFile, "utf8")), tree_size: 31 };
    writeFileSync(join(dir, "forged.json"), JSON.stringify(forged));
    const result = await runVerify(["--json", "--checkpoint", join(dir, "forged.json")], { DATABASE_URL: db.url });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: false, reason: "anchor_signature_invalid" });

    const unreachable = await runVerify(["--json"], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toMatch(/could not check the log/);
    expect((await runVerify(["--bogus"], { DATABASE_URL: db.url })).code).toBe(2);
  });

  it("reads the embedded database under PGLITE_DATA_DIR when DATABASE_URL is unset", async () => {
    const dataDir = join(dir, "pglite");
    const embedded = await startEmbeddedPostgres(dataDir);
    const esql = connect(embedded.url, { max: 1 });
    try {
      await migrate(esql);
      await writeEvents(esql, 4);
      await sealOnce(esql, key);
    } finally {
      await esql.end({ timeout: 5 });
      await embedded.close();
    }
    const result = await runVerify(["--json"], { PGLITE_DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ valid: true, sealed_events: 4 });
  }, 180_000); // a new on-disk PGlite runs initdb in WASM: tens of seconds on a loaded machine
});
