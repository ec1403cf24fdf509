import type { Context } from "hono";
import type { Sql } from "postgres";
import { HttpError } from "../http/http-error";
import type { ConsoleEnv } from "./console-env";
import { claimFormNonce, completeFormNonce, releaseFormNonce } from "./session-store";
import { FORM_NONCE_FIELD, FORM_NONCE_PATTERN } from "./form-nonce";
import { inProgressPage } from "./console-context";

export type FormFields = Record<string, string | string[]>;

/**
 * What a form handler answers: go to the result; show the form again (bad input, refusal:
 * nothing changed); or show a one-time result (a fresh pairing code) whose retry is sent
 * to `retryLocation` instead.
 */
export type FormOutcome = { redirect: string } | { response: Response; retryLocation?: string };

/**
 * Reads a urlencoded/multipart console form into strings (files are ignored: no console
 * form takes one). Repeated fields (checkboxes) become arrays.
 */
export async function readForm(c: Context<ConsoleEnv>): Promise<FormFields> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody({ all: true });
  } catch {
    throw HttpError.validation("the form could not be read; reload the page and try again");
  }
  const fields: FormFields = {};
  for (const [key, value] of Object.entries(body)) {
    const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
    fields[key] = Array.isArray(value) ? list : (list[0] ?? "");
  }
  return fields;
}

export const field = (form: FormFields, name: string): string => {
  const v = form[name];
  return typeof v === "string" ? v : (v?.[0] ?? "");
};
export const fieldList = (form: FormFields, name: string): string[] => {
  const v = form[name];
  return v === undefined ? [] : typeof v === "string" ? [v] : v;
};

/**
 * Runs a state-changing form at most once per rendered form: the nonce is claimed before
 * acting, so a post retried after a lost response (or sent twice) is answered with the
 * first one's result page instead of creating a second agent or grant. A handler that
 * shows the form again (nothing changed) frees the nonce.
 */
export async function submitOnce(
  sql: Sql,
  c: Context<ConsoleEnv>,
  form: FormFields,
  handle: () => Promise<FormOutcome>,
): Promise<Response> {
  const nonce = field(form, FORM_NONCE_FIELD);
  if (!FORM_NONCE_PATTERN.test(nonce)) throw HttpError.validation("this form is missing its one-time field; reload the page and submit it again");
  const sessionId = c.get("consoleSession").id;
  const claim = await claimFormNonce(sql, sessionId, nonce);
  if (claim.kind === "done") return c.redirect(claim.location, 303);
  if (claim.kind === "in_progress") return inProgressPage(c);
  let outcome: FormOutcome;
  try {
    outcome = await handle();
  } catch (error) {
    await releaseFormNonce(sql, sessionId, nonce).catch(() => {});
    throw error;
  }
  if ("response" in outcome) {
    if (outcome.retryLocation) await completeFormNonce(sql, sessionId, nonce, outcome.retryLocation);
    else await releaseFormNonce(sql, sessionId, nonce);
    return outcome.response;
  }
  await completeFormNonce(sql, sessionId, nonce, outcome.redirect);
  return c.redirect(outcome.redirect, 303);
}
