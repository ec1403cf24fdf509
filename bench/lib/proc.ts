import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { ROOT, TSX_LOADER } from "./paths.ts";

/** Peak and current resident set of a process in MB (Linux /proc), or null. */
export function memoryOf(pid: number | undefined): { hwmMb: number; rssMb: number } | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
    return { hwmMb: kb("VmHWM") / 1024, rssMb: kb("VmRSS") / 1024 };
  } catch {
    return null;
  }
}

/**
 * CPU time (user + system) a process has used so far, in ms, all its threads (GC, the libuv
 * pool): the sum of /proc/<pid>/task/<tid>/schedstat's run time (nanoseconds), else
 * /proc/<pid>/stat utime+stime (clock ticks of 10 ms: too coarse for short loops).
 * Node's threads live as long as the process, so no exited thread's time is lost.
 */
export function cpuMsOf(pid: number | undefined | null): number | null {
  if (!pid) return null;
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    if (Number.isFinite(ns) && ns > 0) return ns / 1e6;
  } catch {
    /* no schedstat (kernel without CONFIG_SCHEDSTATS) or the process is gone */
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // after "pid (comm) ": state is field 3 → index 0; utime field 14 → index 11, stime 15 → 12
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

export interface ServerChild<T> {
  child: ChildProcess;
  info: T;
  stderrTail: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts `node --import tsx <script>` (the pid is the server itself, so /proc figures are
 * its own), waits for the first stdout line that parses as JSON with `ready:true`.
 */
export async function startTsServer<T>(script: string, env: Record<string, string | undefined>, timeoutMs = 60_000, nodeArgs: string[] = []): Promise<ServerChild<T>> {
  const child = spawn(process.execPath, [...nodeArgs, "--import", TSX_LOADER, script], {
    cwd: ROOT,
    env: { ...process.env, ...env } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr!.on("data", (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  const stderrTail = () => stderr.trim().split("\n").slice(-5).join(" | ");
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready after ${timeoutMs} ms: ${stderrTail()}`)), timeoutMs);
    const rl = createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      try {
        const msg = JSON.parse(line) as { ready?: boolean; error?: string };
        if (msg.error) {
          clearTimeout(timer);
          reject(new Error(msg.error));
        } else if (msg.ready) {
          clearTimeout(timer);
          resolve(msg as T);
        }
      } catch {
        /* not our line */
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}: ${stderrTail()}`));
    });
  });
  child.stdout!.resume();
  return { child, info, stderrTail, stop: () => stopChild(child) };
}

/** Sends an IPC request to a server child and waits for its next message. */
export function ask<T>(child: ChildProcess, msg: Record<string, unknown>, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no IPC answer")), timeoutMs);
    child.once("message", (m) => {
      clearTimeout(timer);
      resolve(m as T);
    });
    child.send(msg);
  });
}

/** SIGTERM, then SIGKILL after 5 s. Only ever the child we started. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
