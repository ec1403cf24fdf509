/**
 * `pnpm migrate`: applies pending migrations to DATABASE_URL (or the embedded PGlite under
 * PGLITE_DATA_DIR) and exits. The gateway also migrates on start, under the same lock.
 */
import { loadConfig } from "../config/config";
import { openDatabase } from "./database";

const config = loadConfig();
const db = await openDatabase(config);
const result = db.migrations!;
process.stderr.write(
  `migrations: ${result.applied.length} applied${result.applied.length ? ` (${result.applied.join(", ")})` : ""}, ` +
    `${result.alreadyApplied} already applied` +
    (result.changed.length ? `; WARNING: applied migrations changed since: ${result.changed.join(", ")}` : "") +
    "\n",
);
await db.close();
