/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import { FieldError, Layout } from "./layout";

export interface SignInPageProps {
  nonce: string;
  error?: string | undefined;
  /** Sandbox mode only: offer the one-click demo owner. */
  demo: boolean;
  notice?: string | undefined;
}

/** Sign-in: Launcher normally posts the JWT itself; a human may paste one here. */
export function SignInPage(props: SignInPageProps) {
  return (
    <Layout title="Sign in" nonce={props.nonce} notice={props.notice}>
      <h1>Sign in</h1>
      <p>The console is where an owner manages their agents: who may touch which Tasker project, which devices hold a token, and what each agent did.</p>
      <form method="post" action="/console/session" class="card">
        <label for="launcher-token">Launcher token</label>
        <p class="hint" id="launcher-token-hint">
          Launcher signs you in here on its own. To sign in by hand, paste a Launcher JWT issued for this gateway.
        </p>
        <input
          id="launcher-token"
          name="launcher_token"
          type="password"
          autocomplete="off"
          required
          aria-describedby={props.error ? "launcher-token-error launcher-token-hint" : "launcher-token-hint"}
          aria-invalid={props.error ? "true" : undefined}
        />
        <FieldError id="launcher-token-error" message={props.error} />
        <button type="submit">Sign in</button>
      </form>
      {props.demo ? (
        <form method="post" action="/console/session/demo" class="card">
          <p>Sandbox mode: the demo owner (demo.owner@nodedc.local) owns the demo agent and is a member of DEMO and OPS.</p>
          <button type="submit">Sign in as the demo owner</button>
        </form>
      ) : null}
    </Layout>
  );
}
