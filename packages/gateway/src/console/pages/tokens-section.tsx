/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { TokenMeta } from "@nodedc/shared";
import { clientText, formatTime } from "./format";
import { DataTable } from "./data-table";
import { RowAction } from "./row-action";

export type TokenStatus = "active" | "revoked" | "expired" | "rotated";

/** A token list entry as the console shows it (never the token: prefix and last 4 only). */
export interface TokenLine {
  meta: TokenMeta;
  status: TokenStatus;
  /** The token this one replaced by rotation, when the list carries it. */
  replacesTokenId: string | null;
}

export interface TokensSectionProps {
  agentId: string;
  tokens: TokenLine[];
  /** `token.reuse_after_rotation` events: a rotated token came back after its successor was used. */
  reuseAlerts: { occurred_at: Date; token_id: string | null }[];
}

/** `status` from the API when it carries one (rotation), else derived from the dates. */
export function tokenStatusOf(meta: TokenMeta, now = Date.now()): TokenStatus {
  const declared = (meta as TokenMeta & { status?: string }).status;
  if (declared === "active" || declared === "revoked" || declared === "expired" || declared === "rotated") return declared;
  if (meta.revoked_at) return "revoked";
  if (meta.expires_at && Date.parse(meta.expires_at) <= now) return "expired";
  return "active";
}

export const tokenLabel = (meta: Pick<TokenMeta, "prefix" | "last4">): string => `${meta.prefix.startsWith("ndca_") ? "ndca_" : meta.prefix}…${meta.last4}`;

export function TokensSection(props: TokensSectionProps) {
  const base = `/console/agents/${props.agentId}`;
  const labelOf = new Map(props.tokens.map((t) => [t.meta.id, tokenLabel(t.meta)]));
  return (
    <section aria-labelledby="tokens-heading">
      <h2 id="tokens-heading">Tokens</h2>
      {props.reuseAlerts.length > 0 ? (
        <div class="alert" role="alert">
          <h3>A replaced token was used again</h3>
          <p>
            A token that had already been rotated was presented after its successor was in use — a sign that a copy of it is held by someone else. The gateway revoked the
            whole chain; pair the device again and check who had access to it.
          </p>
          <ul>
            {props.reuseAlerts.map((a) => (
              <li>
                {formatTime(a.occurred_at)}: {a.token_id ? (labelOf.get(a.token_id) ?? a.token_id) : "unknown token"}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>Each device that paired holds one token. Revoking one refuses its very next call; revoked, expired and rotated tokens stay listed.</p>
      {props.tokens.length === 0 ? (
        <p>No token yet: connect a device above.</p>
      ) : (
        <DataTable caption="Tokens" columns={["Token", "Device", "Client", "Created", "Last used", "Expires", "Status", "Action"]}>
          {props.tokens.map((t) => (
            <tr>
              <th scope="row">
                <code>{tokenLabel(t.meta)}</code>
                {t.replacesTokenId ? <span class="chain"> replaces {labelOf.get(t.replacesTokenId) ?? "an earlier token"}</span> : null}
              </th>
              <td>{t.meta.device_name ?? t.meta.name ?? "—"}</td>
              <td>{clientText(t.meta.client)}</td>
              <td>{formatTime(t.meta.created_at)}</td>
              <td>{formatTime(t.meta.last_used_at)}</td>
              <td>{t.meta.expires_at ? formatTime(t.meta.expires_at) : "does not expire"}</td>
              <td>
                <span class={`badge token-${t.status}`}>{t.status}</span>
              </td>
              <td>
                {t.status === "active" ? <RowAction action={`${base}/tokens/${t.meta.id}/revoke`} label="Revoke token" /> : "—"}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
