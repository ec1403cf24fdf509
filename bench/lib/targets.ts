import type { Target } from "./results.ts";

/** DESIGN §12, as numbers. */
export const TARGETS = {
  overheadReadP50: { op: "<=", value: 1, label: "≤ 1 ms" },
  overheadWriteP50: { op: "<=", value: 3, label: "≤ 3 ms" },
  tokenCheck: { op: "<=", value: 0.2, label: "≤ 0.2 ms" },
  throughputRatio: { op: ">=", value: 50, label: "≥ 50 %" },
  mcpColdStart: { op: "<=", value: 250, label: "≤ 250 ms" },
  mcpOverheadP50: { op: "<=", value: 1, label: "≤ 1 ms" },
  mcpRss: { op: "<=", value: 80, label: "≤ 80 MB" },
  cliPacked: { op: "<=", value: 1000, label: "≤ 1 MB" },
  gatewayRss200: { op: "<=", value: 150, label: "≤ 150 MB" },
} satisfies Record<string, Target>;
