/**
 * DESIGN §9 rule 3 for every integration test, not only the dedicated one: a test stack's
 * captured JSON log lines must hold nothing shaped like an agent token (`ndca_` + 46 base62,
 * checksum valid or not) or a displayed pairing code (`XXXX-XXXX` from the code alphabet).
 * `startTestStack().close()` runs it after shutting the stack down, so a test that makes the
 * gateway log a credential fails in its afterAll. test/secrets-at-rest.int.test.ts also looks
 * for the exact secrets of its flow in every form (random part, normalised code).
 */
const TOKEN_SHAPE = /ndca_[0-9A-Za-z]{46}/;
const DISPLAYED_CODE_SHAPE = /\b[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}\b/;

export function findSecretShapedLogLines(lines: readonly string[]): string[] {
  return lines.filter((line) => TOKEN_SHAPE.test(line) || DISPLAYED_CODE_SHAPE.test(line));
}

export function assertNoSecretShapedLogLines(lines: readonly string[]): void {
  const found = findSecretShapedLogLines(lines);
  if (found.length === 0) return;
  const shown = found.slice(0, 3).map((l) => l.replace(/ndca_[0-9A-Za-z]{46}/g, "ndca_<redacted>").slice(0, 300));
  throw new Error(`DESIGN §9 rule 3: ${found.length} gateway log line(s) hold a token or pairing code:\n${shown.join("\n")}`);
}
