/**
 * The suite-wide DELETE ledger (DESIGN §9 rule 1: "the sandbox sees zero DELETE requests in
 * the whole test suite"). When `NODEDC_SANDBOX_DELETE_LEDGER` names a file, every sandbox in
 * the process appends one JSON line per DELETE it receives on the API (control calls under
 * `/_sandbox/` are never logged as API requests). The line is written synchronously when the
 * request is recorded, so it survives `reset()`, a sandbox that is never closed and a test
 * that crashes. `test/setup/delete-ledger.global.ts` creates the file and fails the run in
 * its teardown when a line is not labelled `delete-testing`.
 *
 * `delete-testing` marks sandboxes started with `deleteTesting: true`: the sandbox's own
 * contract tests send DELETE on purpose to prove the emulator implements Plane's soft delete.
 * Their lines are kept (and printed by the teardown) but do not fail the run.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { RequestLog, RequestLogEntry } from "./request-log";

export const DELETE_LEDGER_ENV = "NODEDC_SANDBOX_DELETE_LEDGER";

export type DeleteLedgerLabel = "counted" | "delete-testing";

export interface DeleteLedgerLine {
  label: DeleteLedgerLabel;
  method: string;
  path: string;
  status: number;
  keyLabel: string | null;
  pid: number;
  at: string;
}

/** Wires `log` to the ledger named by the environment; does nothing when it is unset. */
export function attachDeleteLedger(log: RequestLog, opts: { deleteTesting?: boolean }, env = process.env): void {
  const file = env[DELETE_LEDGER_ENV];
  if (!file) return;
  const label: DeleteLedgerLabel = opts.deleteTesting ? "delete-testing" : "counted";
  log.onRecord((entry: RequestLogEntry) => {
    if (entry.method !== "DELETE") return;
    const line: DeleteLedgerLine = {
      label,
      method: entry.method,
      path: entry.path,
      status: entry.status,
      keyLabel: entry.keyLabel,
      pid: process.pid,
      at: entry.startedAt,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  });
}

/** Every line of the ledger; a missing file reads as empty. */
export function readDeleteLedger(file: string): DeleteLedgerLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as DeleteLedgerLine);
}
