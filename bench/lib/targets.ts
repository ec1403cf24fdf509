import type { Target } from "./results.ts";

/**
 * DESIGN §12 (as issue 15 restated it), as numbers. The gateway's figures are ratios to the
 * reference floor (bench/servers/floor.ts) measured in the same run, never absolute times:
 * this machine's absolute figures move by 30–50 % between runs.
 */
export const TARGETS = {
  floorCpu: { op: "<=", value: 1.5, label: "≤ 1.5× floor" },
  floorRate: { op: ">=", value: 0.67, label: "≥ 0.67× floor" },
  floorP50Read: { op: "<=", value: 1, label: "≤ floor + 1 ms" },
  floorP50Write: { op: "<=", value: 2, label: "≤ floor + 2 ms" },
  roundsOne: { op: "<=", value: 1, label: "1 round" },
  roundsTwo: { op: "<=", value: 2, label: "≤ 2 rounds" },
  roundsNoExtra: { op: "<=", value: 0, label: "0 extra rounds" },
  tokenCheck: { op: "<=", value: 0.2, label: "≤ 0.2 ms" },
  mcpColdStart: { op: "<=", value: 250, label: "≤ 250 ms" },
  mcpCpu: { op: "<=", value: 0.5, label: "≤ 0.5 ms" },
  mcpOverheadP50: { op: "<=", value: 0.5, label: "≤ 0.5 ms" },
  mcpRss: { op: "<=", value: 80, label: "≤ 80 MB" },
  peerP50: { op: "<=", value: 1.5, label: "≤ 1.5× peer" },
  toolListBytes: { op: "<=", value: 0.25, label: "≤ ¼ of the peer's" },
  cliPacked: { op: "<=", value: 1000, label: "≤ 1 MB" },
  gatewayRss200: { op: "<=", value: 150, label: "≤ 150 MB" },
} satisfies Record<string, Target>;
