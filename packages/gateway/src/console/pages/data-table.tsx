/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";

/**
 * Every table of the console. The caption names the table (screen readers, and tests that
 * find a table by its name, read it there); the wrapper scrolls sideways at 360 px and is
 * a focusable, named group so a keyboard user can scroll it too.
 */
export function DataTable(props: { caption: string; captionId?: string; columns: string[]; children?: Child; id?: string }) {
  return (
    <div class="table-wrap" tabindex={0} role="group" aria-label="Scrollable table">
      <table id={props.id}>
        <caption id={props.captionId}>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}
