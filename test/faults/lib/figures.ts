import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One row of the fault suite's table. Each scenario file records its rows; the global
 * teardown (faults.global.ts) prints them together, since vitest runs files in workers.
 */
export interface FigureRow {
  scenario: string;
  requests: number;
  /** Answers ≥ 500 other than the documented, retryable 503 `tasker_unavailable`. */
  unexpected5xx: number;
  /** Documented 503s (Tasker or database away): counted, allowed. */
  documented503: number;
  /** Tasker writes beyond one per idempotency key (counted in the sandbox request log). */
  duplicates: number;
  /** Acknowledged writes missing in Tasker or without their audit event. */
  lostEvents: number;
  /** From the fault's end to the first successful write, ms (null: not applicable). */
  recoveryMs: number | null;
  notes: string;
}

export const FIGURES_DIR_ENV = "NODEDC_FAULTS_FIGURES_DIR";

export function recordFigures(row: FigureRow): void {
  const dir = process.env[FIGURES_DIR_ENV];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const file = `${Date.now()}-${Math.random().toString(36).slice(2)}.json`;
  writeFileSync(join(dir, file), JSON.stringify(row));
}

export function readFigures(dir: string): FigureRow[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as FigureRow);
}

export function formatFigures(rows: FigureRow[], size: string): string {
  const header = ["scenario", "requests", "5xx", "503 (doc.)", "duplicates", "lost events", "recovery", "notes"];
  const body = rows.map((r) => [
    r.scenario,
    String(r.requests),
    String(r.unexpected5xx),
    String(r.documented503),
    String(r.duplicates),
    String(r.lostEvents),
    r.recoveryMs === null ? "—" : `${(r.recoveryMs / 1000).toFixed(2)} s`,
    r.notes,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [
    `fault suite figures (FAULTS_SIZE=${size})`,
    line(header),
    `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`,
    ...body.map(line),
  ].join("\n");
}
