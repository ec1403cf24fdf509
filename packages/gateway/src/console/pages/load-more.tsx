/** @jsxRuntime automatic @jsxImportSource hono/jsx */

/**
 * "Load more" under a paged table. Without the script it is a link to the next page (the
 * keyset cursor in the URL). The script (`data-load-more` names the table) fetches that
 * page instead, appends its rows to this table, moves focus to the first new row and says
 * in the polite live region how many rows came and whether that was all.
 */
export function LoadMore(props: { tableId: string; href: string; label: string }) {
  return (
    <p class="load-more">
      <a href={props.href} data-load-more={props.tableId}>
        {props.label}
      </a>{" "}
      <span class="load-more-result" id={`${props.tableId}-more`} aria-live="polite"></span>
    </p>
  );
}
