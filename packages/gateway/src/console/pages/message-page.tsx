/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { LauncherUser } from "../../auth/launcher-jwt";
import { Layout } from "./layout";

/** A page with one message: errors (404, 403, …) and "still being handled". */
export function MessagePage(props: { nonce: string; user?: LauncherUser | null; title: string; message: string; requestId?: string }) {
  return (
    <Layout title={props.title} nonce={props.nonce} user={props.user ?? null}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      {props.requestId ? <p class="hint">Request id: {props.requestId}</p> : null}
      <p>
        <a href="/console">Back to your agents</a>
      </p>
    </Layout>
  );
}
