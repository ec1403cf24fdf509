import postgres from "postgres";
import { HttpError } from "../http/http-error";

/**
 * The one place where SQLSTATE codes become domain errors (STYLE rule 6). Anything not
 * listed is a bug or an outage and becomes `internal` (500, logged with its SQLSTATE).
 */
export const SQLSTATE = {
  uniqueViolation: "23505",
  foreignKeyViolation: "23503",
  checkViolation: "23514",
  notNullViolation: "23502",
  stringTooLong: "22001",
  invalidTextRepresentation: "22P02",
  /** NUL in text (and invalid UTF-8): the contract refuses it first, this is the backstop. */
  characterNotInRepertoire: "22021",
  /** NUL (\u0000) in jsonb. */
  untranslatableCharacter: "22P05",
  insufficientPrivilege: "42501",
  serializationFailure: "40001",
  deadlockDetected: "40P01",
  queryCanceled: "57014",
  tooManyConnections: "53300",
} as const;

export function sqlStateOf(error: unknown): string | null {
  return error instanceof postgres.PostgresError ? error.code : null;
}

export function mapDbError(error: unknown): HttpError | null {
  const code = sqlStateOf(error);
  if (code === null) return null;
  switch (code) {
    case SQLSTATE.uniqueViolation:
      return HttpError.validation("this conflicts with an existing record", { reason: "conflict" });
    case SQLSTATE.foreignKeyViolation:
      return HttpError.notFound("a referenced record does not exist");
    case SQLSTATE.checkViolation:
    case SQLSTATE.notNullViolation:
    case SQLSTATE.stringTooLong:
    case SQLSTATE.invalidTextRepresentation:
      return HttpError.validation("a value is out of range for this field");
    case SQLSTATE.characterNotInRepertoire:
    case SQLSTATE.untranslatableCharacter:
      // the same input fails the same way on every retry: not retryable
      return HttpError.validation("a text value holds a character that cannot be stored (NUL or an unpaired surrogate)", { reason: "unstorable_text" });
    case SQLSTATE.serializationFailure:
    case SQLSTATE.deadlockDetected:
    case SQLSTATE.queryCanceled:
    case SQLSTATE.tooManyConnections:
      return HttpError.internal("the database is busy; retry shortly", true);
    default:
      return HttpError.internal("a database error occurred", true);
  }
}
