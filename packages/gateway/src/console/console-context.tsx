/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { z } from "zod";
import { LIMITS } from "@nodedc/shared";
import type { ActionContext } from "../agents/action-context";
import type { ConsoleEnv } from "./console-env";
import { MessagePage } from "./pages/message-page";

/** The human behind a console request, for the services and their audit events. */
export function consoleContext(c: Context<ConsoleEnv>): ActionContext {
  return { user: c.get("consoleSession").user, requestId: c.get("requestId"), via: "console" };
}

/** A zod failure as one sentence for a person (by issue code, else zod's own message). */
export function firstIssue(error: z.ZodError, byCode: Partial<Record<string, string>>): string {
  const issue = error.issues[0];
  if (!issue) return "Check this field.";
  return byCode[issue.code] ?? issue.message;
}

/** What is wrong with an agent name (create and rename share the rule and the words). */
export function displayNameError(error: z.ZodError): string {
  return firstIssue(error, { too_small: "Give the agent a name.", too_big: `Keep the name under ${LIMITS.max_display_name_chars} characters.` });
}

/** A second copy of a form arrived while the first is still being handled. */
export function inProgressPage(c: Context<ConsoleEnv>): Response | Promise<Response> {
  return c.html(
    <MessagePage
      nonce={c.get("cspNonce")}
      user={c.get("consoleSession").user}
      title="Still working on it"
      message="This form was already sent and is still being handled. Reload the page in a moment to see the result; it will not be done twice."
    />,
    409,
  );
}
