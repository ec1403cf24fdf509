import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FIGURES_DIR_ENV, formatFigures, readFigures } from "./lib/figures";
import { SIZE } from "./lib/size";

/** Collects each scenario's figures and prints the table once, after the last file. */
export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "nodedc-faults-figures-"));
  process.env[FIGURES_DIR_ENV] = dir;
  return () => {
    const rows = readFigures(dir);
    if (rows.length > 0) process.stdout.write(`\n${formatFigures(rows, SIZE)}\n\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
