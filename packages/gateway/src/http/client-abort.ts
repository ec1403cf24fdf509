/** The status logged and counted for a request whose client went away (nginx's convention). */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * True when `error` comes from the client closing its connection mid-request: reading the
 * body rejects with node's "aborted" ECONNRESET. Nothing the gateway did failed, so it is
 * not a 5xx. Judged on the error alone, never on the request having been aborted since:
 * a real failure that happens while the client leaves must still be logged as one.
 */
export function isClientAbort(error: unknown): boolean {
  if (error === null || typeof error !== "object") return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  // node's http server: `abortIncoming` → ConnResetException("aborted"). A reset of any
  // other socket (Postgres, Tasker) carries another message and stays a server error.
  return (code === "ECONNRESET" && message === "aborted") || code === "ERR_STREAM_PREMATURE_CLOSE";
}
