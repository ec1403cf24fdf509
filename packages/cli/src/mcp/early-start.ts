/**
 * The `mcp` entry: answer `initialize` first, then load everything else (factory, the
 * SDK, the keychain binding) lazily. Imported dynamically by cli.ts.
 */
import { answerInitializeEarly } from "./early-initialize";

export async function startMcp(argv: string[]): Promise<void> {
  // Signals may arrive while the rest is still loading: exit cleanly until the server
  // installs its own shutdown.
  const onSignal: Partial<Record<"SIGINT" | "SIGTERM", () => void>> = {};
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => (onSignal[signal] ? onSignal[signal]() : process.exit(0)));
  }
  const early = answerInitializeEarly(process.stdin, process.stdout, (detail) =>
    process.stderr.write(`[nodedc-tasker] the SDK's initialize answer differs from the early one: ${detail}\n`),
  );
  const { parseArgs } = await import("node:util");
  let profile = "default";
  try {
    profile = parseArgs({ args: argv, options: { profile: { type: "string" } }, strict: true }).values.profile ?? "default";
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: nodedc-tasker mcp [--profile <name>]\n`);
    process.exit(2);
  }
  // Bundled modules initialise synchronously when imported, which would hold up the stdin
  // read; so the heavy part loads only once the first message has been answered.
  await early.firstMessage;
  const [{ createDeps }, { runMcp }] = await Promise.all([import("../factory"), import("./run-mcp")]);
  await runMcp({ profile }, createDeps(), {
    stdin: early.stdin,
    stdout: early.stdout,
    answeredInitializeId: early.answeredInitializeId,
    route: early.route,
    rawStdout: early.rawStdout,
    exit: (exitCode) => process.exit(exitCode),
    onSignal: (signal, handler) => {
      onSignal[signal] = handler;
    },
  });
}
