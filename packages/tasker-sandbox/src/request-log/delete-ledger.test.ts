import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DELETE_LEDGER_ENV, attachDeleteLedger, readDeleteLedger } from "./delete-ledger";
import { RequestLog, type RequestLogEntry } from "./request-log";

const entry = (method: string): Omit<RequestLogEntry, "seq"> => ({
  method,
  path: "/api/v1/workspaces/nodedc/projects/p/work-items/i/",
  query: "",
  userId: "u1",
  keyLabel: "service",
  status: 204,
  fault: null,
  startedAt: new Date(0).toISOString(),
  durationMs: 1,
});

describe("DELETE ledger", () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const ledgerFile = () => {
    const dir = mkdtempSync(join(tmpdir(), "ledger-test-"));
    dirs.push(dir);
    return join(dir, "deletes.jsonl");
  };

  it("appends one line per DELETE, labelled, and keeps it across clear()", () => {
    const file = ledgerFile();
    const counted = new RequestLog();
    const testing = new RequestLog();
    attachDeleteLedger(counted, {}, { [DELETE_LEDGER_ENV]: file });
    attachDeleteLedger(testing, { deleteTesting: true }, { [DELETE_LEDGER_ENV]: file });
    counted.record(entry("GET"));
    counted.record(entry("DELETE"));
    counted.clear();
    testing.record(entry("DELETE"));
    testing.record(entry("PATCH"));
    const lines = readDeleteLedger(file);
    expect(lines.map((l) => l.label)).toEqual(["counted", "delete-testing"]);
    expect(lines[0]).toMatchObject({ method: "DELETE", status: 204, keyLabel: "service", pid: process.pid });
  });

  it("does nothing without the environment variable", () => {
    const log = new RequestLog();
    attachDeleteLedger(log, {}, {});
    expect(() => log.record(entry("DELETE"))).not.toThrow();
    expect(readDeleteLedger(join(tmpdir(), "no-such-ledger.jsonl"))).toEqual([]);
  });
});
