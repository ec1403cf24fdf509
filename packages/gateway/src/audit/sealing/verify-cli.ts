/**
 * `pnpm audit:verify [--json] [--checkpoint FILE] [--export-checkpoint FILE] [--public-key KEY]…`
 *
 * Checks the sealed audit log with nothing but the database (DATABASE_URL, else the
 * embedded PGlite under PGLITE_DATA_DIR, default .data/pglite — stop a sandbox gateway
 * that uses it first) and public keys. Exit 0: intact; 1: tampering found (the JSON names
 * the first bad event and why); 2: could not check (usage, connection, unreadable file).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { connect } from "../../db/database";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "../../db/embedded";
import { dropEmpty, envSchema } from "../../config/env-schema";
import { checkpointFromJson, type CheckpointJson } from "./checkpoint";
import { parsePublicKey, type PublicKey } from "./signing-key";
import { verifyAuditLog, type VerifyResult } from "./verify";
import { exportedCheckpointSchema, type ExportedCheckpoint } from "./exported-checkpoint";

class UsageError extends Error {}

function readKey(value: string): PublicKey {
  const text = value.startsWith("-----BEGIN") || /^[A-Za-z0-9+/]{43}=?$/.test(value) ? value : readFileSync(value, "utf8");
  return parsePublicKey(text);
}

function readAnchor(file: string): { exported: ExportedCheckpoint; key: PublicKey } {
  let parsed: ExportedCheckpoint;
  try {
    parsed = exportedCheckpointSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  } catch (error) {
    throw new UsageError(`--checkpoint ${file}: not an exported checkpoint (${error instanceof z.ZodError ? error.issues[0]?.message : (error as Error).message})`);
  }
  const key = parsePublicKey(parsed.public_key);
  if (key.keyId !== parsed.key_id) throw new UsageError(`--checkpoint ${file}: its public key is not key ${parsed.key_id}`);
  return { exported: parsed, key };
}

function summary(result: VerifyResult, ms: number): string {
  if (!result.valid) {
    return [`audit log NOT intact: ${result.message}`, `  reason: ${result.reason}`, result.first_bad_event_id ? `  first bad event: ${result.first_bad_event_id}` : ""]
      .filter(Boolean)
      .join("\n");
  }
  const head = result.latest_checkpoint;
  return [
    `audit log intact: ${result.sealed_events} sealed events in ${result.checkpoints} checkpoints verified in ${ms} ms`,
    head ? `  latest checkpoint #${head.seq}: tree size ${head.tree_size}, root ${head.root_hash}, key ${head.key_id}, sealed ${head.sealed_at}` : "  no checkpoint yet",
    `  not sealed yet: ${result.unsealed_events} events`,
    `  keys: ${result.keys === "given" ? "only the ones given" : "as listed in the database (pass --public-key to trust only your own copy)"}`,
    result.anchor_checked ? "  the exported checkpoint is still extended by this log" : "",
  ]
    .filter(Boolean)
    .join("\n");
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      json: { type: "boolean", default: false },
      checkpoint: { type: "string" },
      "export-checkpoint": { type: "string" },
      "public-key": { type: "string", multiple: true },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write("usage: pnpm audit:verify [--json] [--checkpoint FILE] [--export-checkpoint FILE] [--public-key PEM|BASE64|FILE]…\n");
    return 0;
  }
  const env = envSchema.pick({ DATABASE_URL: true, PGLITE_DATA_DIR: true }).parse(dropEmpty(process.env));
  const trustedKeys = values["public-key"]?.map(readKey);
  const anchor = values.checkpoint ? readAnchor(values.checkpoint) : undefined;

  let embedded: EmbeddedPostgres | null = null;
  const url = env.DATABASE_URL ?? (embedded = await startEmbeddedPostgres(env.PGLITE_DATA_DIR)).url;
  const sql = connect(url, { max: 1 });
  try {
    const started = performance.now();
    const result = await verifyAuditLog(sql, {
      ...(trustedKeys ? { trustedKeys } : {}),
      ...(anchor ? { anchor: { checkpoint: checkpointFromJson(anchor.exported), key: anchor.key } } : {}),
    });
    const ms = Math.round(performance.now() - started);
    const exportTo = values["export-checkpoint"];
    if (result.valid && exportTo && result.latest_checkpoint) {
      const publicKey = await sql<{ public_key: string }[]>`SELECT public_key FROM audit_signing_keys WHERE key_id = ${result.latest_checkpoint.key_id}`;
      writeFileSync(exportTo, `${JSON.stringify(exportedCheckpointOf(result.latest_checkpoint, publicKey[0]!.public_key), null, 2)}\n`);
    }
    process.stdout.write(values.json ? `${JSON.stringify({ ...result, elapsed_ms: ms })}\n` : `${summary(result, ms)}\n`);
    return result.valid ? 0 : 1;
  } finally {
    await sql.end({ timeout: 5 });
    await embedded?.close();
  }
}

function exportedCheckpointOf(c: CheckpointJson, publicKey: string): ExportedCheckpoint {
  return { format: "nodedc-tasker-audit-checkpoint/v1", ...c, public_key: publicKey };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`audit:verify could not check the log: ${message}\n`);
    process.exit(2);
  },
);
