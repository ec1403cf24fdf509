import { Command, CommanderError } from "commander";
import { doctorCommand, runDoctor } from "./commands/doctor";
import { mcpCommand } from "./commands/mcp";
import { runMcp, type McpIo } from "./mcp/run-mcp";
import { pairCommand, runPair } from "./commands/pair";
import { rotateCommand, runRotate } from "./commands/rotate";
import { runStatus, statusCommand } from "./commands/status";
import { runUnpair, unpairCommand } from "./commands/unpair";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, redactSecrets } from "./errors";
import type { Deps } from "./factory";
import { CLI_NAME, CLI_VERSION } from "./version";

/** The commander program: thin builders over the pure `run*` functions. */
export function buildProgram(deps: Deps, mcpIo: () => McpIo): Command {
  const program = new Command(CLI_NAME)
    .description("Connect Codex, Claude Code or Cursor to NODE.DC Tasker through the nodedc-tasker gateway.")
    .version(CLI_VERSION, "-v, --version")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      // Asked-for output (--help, --version) on stdout; usage errors on stderr.
      writeOut: (text) => deps.streams.stdout.write(text),
      writeErr: (text) => deps.streams.stderr.write(text),
    })
    .exitOverride();
  for (const command of [
    pairCommand((opts) => runPair(opts, deps)),
    mcpCommand((opts) => runMcp(opts, deps, mcpIo())),
    statusCommand((opts) => runStatus(opts, deps)),
    doctorCommand((opts) => runDoctor(opts, deps)),
    unpairCommand((opts) => runUnpair(opts, deps)),
    rotateCommand((opts) => runRotate(opts, deps)),
  ]) {
    program.addCommand(command.copyInheritedSettings(program));
  }
  return program;
}

/** Runs argv and returns the exit code; prints failures (never a token) on stderr. */
export async function runCli(argv: string[], deps: Deps, mcpIo: () => McpIo): Promise<number> {
  const program = buildProgram(deps, mcpIo);
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") return EXIT_OK;
      return EXIT_USAGE;
    }
    if (error instanceof CliError) {
      if (error.message) deps.printer.error(error.message);
      if (error.hint) deps.printer.info(`  ${error.hint}`);
      // Scripts asked for JSON: give them the failure as JSON too (status/doctor already printed theirs).
      if (argv.includes("--json") && error.message) {
        deps.printer.json({ ok: false, error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } });
      }
      return error.exitCode;
    }
    deps.printer.error(redactSecrets(`Unexpected error: ${(error as Error)?.stack ?? String(error)}`));
    return EXIT_FAILURE;
  }
}
