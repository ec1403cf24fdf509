/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import type { LauncherUser } from "../../auth/launcher-jwt";
import { NOTICES } from "./format";
import { FORM_NONCE_FIELD, newFormNonce } from "../form-nonce";

export interface LayoutProps {
  title: string;
  nonce: string;
  user?: LauncherUser | null;
  notice?: string | undefined;
  children?: Child;
}

/** The frame of every console page: skip link, who is signed in, sign-out, one main. */
export function Layout(props: LayoutProps) {
  const notice = props.notice ? NOTICES[props.notice] : undefined;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · nodedc-tasker console`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <script nonce={props.nonce} src="/console/assets/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/console">
            nodedc-tasker console
          </a>
          {props.user ? (
            <div class="who">
              <span>
                Signed in as {props.user.email ?? props.user.user_id}
                {props.user.role === "platform_admin" ? " (platform admin)" : ""}
              </span>
              <form method="post" action="/console/logout">
                <button type="submit" class="link-button">
                  Sign out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {notice ? (
            <p class="notice" id="notice">
              <strong>Done: </strong>
              {notice}
            </p>
          ) : null}
          {props.children}
          <p class="net-error" id="net-error" role="alert" hidden>
            <span id="net-error-text"></span>{" "}
            <button type="button" id="net-retry">
              Try again
            </button>
          </p>
        </main>
      </body>
      </html>
    </>
  );
}

/** A message tied to one field (aria-describedby points here). */
export function FieldError(props: { id: string; message?: string | undefined }) {
  return props.message ? (
    <p class="field-error" id={props.id}>
      <strong>Error: </strong>
      {props.message}
    </p>
  ) : null;
}

/** A refusal of the whole form (not one field), announced when it appears. */
export function FormError(props: { message?: string | undefined }) {
  return props.message ? (
    <p class="form-error" role="alert">
      <strong>Error: </strong>
      {props.message}
    </p>
  ) : null;
}

/** `aria-invalid` and `aria-describedby` of a control whose FieldError has this id (none without an error). */
export function invalidAttrs(errorId: string, message: string | undefined): { "aria-invalid"?: "true"; "aria-describedby"?: string } {
  return message ? { "aria-invalid": "true", "aria-describedby": errorId } : {};
}

/** The form's one-time field, drawn fresh each time the form is rendered (see form-submission.ts). */
export function NonceField() {
  return <input type="hidden" name={FORM_NONCE_FIELD} value={newFormNonce()} />;
}
