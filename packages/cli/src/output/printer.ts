/**
 * Human output goes to stderr (stdout belongs to MCP in `mcp` and to `--json` elsewhere).
 * Colour only on a TTY and never with NO_COLOR (https://no-color.org: any non-empty value).
 */
export interface OutputStreams {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
}

export interface Printer {
  /** A plain line for humans (stderr). */
  info(line?: string): void;
  success(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  /** A step result: ✓ / ✗ / ! prefix. */
  check(ok: boolean | "warn", line: string): void;
  dim(text: string): string;
  bold(text: string): string;
  /** Requested machine output: one JSON document on stdout. */
  json(value: unknown): void;
}

export function colorEnabled(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "" && env.FORCE_COLOR !== "0") return true;
  return Boolean(isTTY) && env.TERM !== "dumb";
}

export function createPrinter(streams: OutputStreams, env: NodeJS.ProcessEnv): Printer {
  const color = colorEnabled(env, streams.stderr.isTTY);
  const paint = (code: string, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const line = (text: string) => streams.stderr.write(`${text}\n`);
  return {
    info: (text = "") => line(text),
    success: (text) => line(`${paint("32", "✓")} ${text}`),
    warn: (text) => line(`${paint("33", "!")} ${paint("33", text)}`),
    error: (text) => line(`${paint("31", "✗")} ${text}`),
    check: (ok, text) => line(`${ok === "warn" ? paint("33", "!") : ok ? paint("32", "✓") : paint("31", "✗")} ${text}`),
    dim: (text) => paint("2", text),
    bold: (text) => paint("1", text),
    json: (value) => streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}
