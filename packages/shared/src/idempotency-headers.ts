// Kept apart from idempotency.ts (which builds a zod schema) so that `nodedc-tasker mcp` can
// read the header names without evaluating zod (packages/cli/src/contract-leaves.ts).
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const IDEMPOTENT_REPLAYED_HEADER = "Idempotent-Replayed";
