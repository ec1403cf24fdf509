import { spawn } from "node:child_process";
import { SUPPORTED_PROTOCOL_VERSIONS } from "../mcp/early-initialize";

export interface StartProbe {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  timeoutMs: number;
}

export type StartResult = { ok: true; ms: number; serverName: string } | { ok: false; reason: string };

const STDERR_KEEP = 2_000;

/** npm's update notices and log pointers say nothing about why the server did not start. */
const NOISE = /^npm notice|A complete log of this run can be found in|^npm error\s*$/;

/** A few lines of what the server printed: from its first error line if it has one, else its last lines. */
function lastLines(text: string, n = 3): string {
  const lines = text.trim().split(/\r?\n/).filter((l) => l.trim() !== "");
  const telling = lines.filter((l) => !NOISE.test(l));
  const pool = telling.length > 0 ? telling : lines;
  const firstError = pool.findIndex((l) => /error/i.test(l));
  return (firstError === -1 ? pool.slice(-n) : pool.slice(firstError, firstError + n)).join(" | ");
}

/**
 * Starts a client entry the way the client does (no shell, the client's environment and
 * working directory), sends `initialize` and waits for the answer; then stops the process
 * (its whole group: npx starts a child of its own).
 */
export function probeStart(probe: StartProbe, now: () => number = Date.now): Promise<StartResult> {
  return new Promise((resolve) => {
    const started = now();
    let stdout = "";
    let stderr = "";
    let settled = false;
    const child = spawn(probe.command, probe.args, {
      cwd: probe.cwd,
      env: probe.env,
      stdio: ["pipe", "pipe", "pipe"],
      detached: process.platform !== "win32",
      windowsHide: true,
    });
    const stop = () => {
      child.stdin?.end();
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        if (process.platform === "win32") child.kill();
        else process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    };
    const finish = (result: StartResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ ok: false, reason: `no answer to initialize within ${Math.round(probe.timeoutMs / 1000)} s${stderr ? `; it printed: ${lastLines(stderr)}` : ""}` }),
      probe.timeoutMs,
    );
    child.on("error", (error: NodeJS.ErrnoException) =>
      finish({ ok: false, reason: error.code === "ENOENT" ? `${probe.command} was not found (not on the PATH the client passes, or not installed)` : `it could not be started (${error.code ?? error.message})` }),
    );
    child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP)));
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      for (let nl = stdout.indexOf("\n"); nl !== -1; nl = stdout.indexOf("\n")) {
        const line = stdout.slice(0, nl).trim();
        stdout = stdout.slice(nl + 1);
        if (line === "") continue;
        try {
          const message = JSON.parse(line) as { id?: unknown; result?: { serverInfo?: { name?: unknown } } };
          if (message.id === 1 && message.result?.serverInfo) {
            finish({ ok: true, ms: now() - started, serverName: String(message.result.serverInfo.name) });
          }
        } catch {
          finish({ ok: false, reason: `it wrote something other than MCP to stdout: ${line.slice(0, 120)}` });
        }
      }
    });
    child.on("exit", (code, signal) =>
      finish({ ok: false, reason: `it exited (${signal ?? `code ${code}`}) before answering initialize${stderr ? `: ${lastLines(stderr)}` : ""}` }),
    );
    const initialize = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: SUPPORTED_PROTOCOL_VERSIONS[0], capabilities: {}, clientInfo: { name: "nodedc-tasker-doctor", version: "1" } },
    };
    child.stdin?.on("error", () => undefined); // a process that died at once: reported by "exit"
    child.stdin?.write(`${JSON.stringify(initialize)}\n`);
  });
}
