import { v7 } from "uuid";

/**
 * Audit event ids are UUIDv7 (RFC 9562), monotonic within a process (uuid's v7 counts up
 * inside a millisecond). Lists order by (occurred_at, id); where two events share
 * occurred_at — embedded PGlite's clock counts whole milliseconds — the id keeps the order
 * they were written in instead of a random one.
 */
export function auditEventId(): string {
  return v7();
}
