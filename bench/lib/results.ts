/** What every leg reports: named figures with units, optional §12 target, or "n/a". */
export type Op = "<=" | ">=";

export interface Target {
  op: Op;
  value: number;
  /** Text shown in the table, e.g. "≤ 1 ms". */
  label: string;
}

export interface Row {
  section: string;
  metric: string;
  value: number | null;
  unit: string;
  target?: Target;
  /** true/false when a target applies and a value was measured. */
  ok?: boolean;
  /** Reason the figure is missing, e.g. "n/a: gateway tools not landed". */
  na?: string;
  note?: string;
  /** The two figures a ratio or difference was taken of (ours and its reference, e.g. the floor), same run. */
  compare?: Compared;
}

export interface Compared {
  ours: number;
  reference: number;
  unit: string;
  /** Column title of the reference, e.g. "floor (same run)". */
  label: string;
}

export class Results {
  readonly rows: Row[] = [];
  readonly raw: Record<string, unknown> = {};

  add(section: string, metric: string, value: number, unit: string, extra: { target?: Target; note?: string; compare?: Compared } = {}): Row {
    const row: Row = { section, metric, value, unit, ...extra };
    if (extra.target && Number.isFinite(value)) {
      row.ok = extra.target.op === "<=" ? value <= extra.target.value : value >= extra.target.value;
    }
    this.rows.push(row);
    return row;
  }

  na(section: string, metric: string, reason: string, extra: { target?: Target; unit?: string } = {}): Row {
    const row: Row = { section, metric, value: null, unit: extra.unit ?? "", na: reason, ...(extra.target ? { target: extra.target } : {}) };
    this.rows.push(row);
    return row;
  }

  /** Value of a measured figure, or undefined. */
  get(section: string, metric: string): number | undefined {
    const r = this.rows.find((x) => x.section === section && x.metric === metric && x.value !== null);
    return r?.value ?? undefined;
  }

  keep(key: string, value: unknown): void {
    this.raw[key] = value;
  }
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.message.split("\n")[0]!.slice(0, 160);
  return String(err).slice(0, 160);
}
