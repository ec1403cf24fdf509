/**
 * Typed CLI failures → exit codes (0 ok, 1 failure, 2 usage). Every message says what to
 * do next; none may carry a token (see `redactSecrets`).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  readonly exitCode: number;
  /** The next step for the human, printed under the message. */
  readonly hint: string | undefined;
  /** Stable machine code for `--json` output. */
  readonly code: string;
  constructor(message: string, options: { code?: string; hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(redactSecrets(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CliError";
    this.code = options.code ?? "failed";
    this.hint = options.hint === undefined ? undefined : redactSecrets(options.hint);
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, { code: "usage", exitCode: EXIT_USAGE, ...(hint === undefined ? {} : { hint }) });
    this.name = "UsageError";
  }
}

const TOKEN_ANYWHERE = /ndca_[0-9A-Za-z]{8,}/g;

/** Replaces anything that looks like an agent token by its display form `ndca_…last4`. */
export function redactSecrets(text: string): string {
  return text.replace(TOKEN_ANYWHERE, (token) => `ndca_…${token.slice(-4)}`);
}
