/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { PairingStatusRow } from "../../pairing/pairing-store";
import { clientText, formatTime, isoOf } from "./format";
import { NonceField } from "./layout";
import { DataTable } from "./data-table";
import { RowAction } from "./row-action";

export interface FreshCode {
  id: string;
  code: string;
  command: string;
  expires_at: Date;
}

export interface ConnectSectionProps {
  agentId: string;
  revoked: boolean;
  /** Only in the answer to "Connect Codex": the clear code is shown this once. */
  fresh?: FreshCode | undefined;
  codes: PairingStatusRow[];
}

export function pairingStatusText(row: Pick<PairingStatusRow, "status" | "device_name" | "client">): string {
  if (row.status === "used") return `used by ${row.device_name ?? "an unnamed device"}${row.client ? ` (${clientText(row.client)})` : ""}`;
  return row.status;
}

export function ConnectSection(props: ConnectSectionProps) {
  const base = `/console/agents/${props.agentId}`;
  const fresh = props.fresh;
  return (
    <section aria-labelledby="connect-heading" id="connect">
      <h2 id="connect-heading">Connect a device</h2>
      {props.revoked ? (
        <p>A revoked agent cannot be connected.</p>
      ) : (
        <>
          <p>A pairing code lets one device fetch this agent's token once. It works for 10 minutes; the token goes to that device's keychain and is never shown here.</p>
          <form method="post" action={`${base}/pairing-codes`} data-enhance>
            <NonceField />
            <button type="submit">Connect Codex</button>
          </form>
        </>
      )}
      {fresh ? (
        <div class="fresh-code card" id="fresh-code" data-agent-id={props.agentId} data-code-id={fresh.id} data-expires-at={isoOf(fresh.expires_at)}>
          <p>
            Pairing code: <code class="code">{fresh.code}</code>
          </p>
          <p id="pair-command-label">Run this on the developer's machine:</p>
          <pre>
            <code id="pair-command" aria-labelledby="pair-command-label">
              {fresh.command}
            </code>
          </pre>
          <p>
            <button type="button" id="copy-command" data-copy-target="pair-command">
              Copy command
            </button>{" "}
            <span id="copy-result" aria-live="polite"></span>
          </p>
          <p>
            Expires at <time datetime={isoOf(fresh.expires_at)}>{formatTime(fresh.expires_at)}</time>
            <span id="expiry-countdown"></span>
          </p>
          <p role="status" id="pairing-status" class="pairing-status">
            Waiting for the device
          </p>
        </div>
      ) : null}
      <h3>Earlier codes</h3>
      {props.codes.length === 0 ? (
        <p>No pairing code yet.</p>
      ) : (
        <DataTable caption="Pairing codes" columns={["Created", "Expires", "Status", "Action"]}>
          {props.codes.map((row) => (
            <tr data-code-row={row.id}>
              <td>{formatTime(row.created_at)}</td>
              <td>{formatTime(row.expires_at)}</td>
              <td>
                <span class={`badge code-${row.status}`}>{pairingStatusText(row)}</span>
              </td>
              <td>
                {row.status === "pending" ? <RowAction action={`${base}/pairing-codes/${row.id}/cancel`} label="Cancel code" /> : "—"}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
