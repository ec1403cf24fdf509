/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { NonceField } from "./layout";

export interface RowActionProps {
  /** Where the form posts (the row's own action route). */
  action: string;
  /** The button's text, which is its accessible name ("Remove grant", "Revoke token" …). */
  label: string;
  /** Extra fields the route reads (e.g. the status to set). */
  fields?: Record<string, string> | undefined;
}

/**
 * One button that posts one action on one thing — a grant's "Remove grant", a code's
 * "Cancel code", a token's "Revoke token", "Pause agent", "Block owner". It is a plain form
 * (works without the script), enhanced by the script (`data-enhance`: a lost answer can be
 * retried), and carries its own one-time nonce so a retry never acts twice.
 */
export function RowAction(props: RowActionProps) {
  return (
    <form method="post" action={props.action} data-enhance>
      <NonceField />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit">{props.label}</button>
    </form>
  );
}
