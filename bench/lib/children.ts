import type { ChildProcess } from "node:child_process";
import { stopChild } from "./proc.ts";

/** Every server child the bench started, so an abort still ends them (and only them). */
const children = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c, 3000)));
}

export function killAllNow(): void {
  for (const c of children) c.kill("SIGKILL");
}
