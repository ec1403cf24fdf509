import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * True when `dataDir` holds no cluster yet (Postgres writes PG_VERSION first thing).
 */
export function needsInitdb(dataDir: string): boolean {
  return !existsSync(join(dataDir, "PG_VERSION"));
}

/**
 * Creates the cluster in a short-lived child process. PGlite runs initdb in a WASM
 * instance of its own and the process keeps what it grew to (measured: ~650 MB of external
 * memory that no GC returns); a child gives all of it back to the OS when it exits, so the
 * gateway's own process only ever holds the running database (docs/PERFORMANCE.md).
 */
export function initdbInChild(dataDir: string): Promise<void> {
  const pglite = pathToFileURL(createRequire(import.meta.url).resolve("@electric-sql/pglite")).href;
  const script = `const { PGlite } = await import(${JSON.stringify(pglite)});
const db = await PGlite.create(process.argv[1]);
await db.close();`;
  return new Promise((resolve, reject) => {
    let stderr = "";
    // No inherited --import/--max-old-space-size: the child only runs PGlite.
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, dataDir], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } });
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`creating the embedded database in ${dataDir} failed (${signal ?? `exit ${code}`}): ${stderr.trim()}`));
    });
  });
}
