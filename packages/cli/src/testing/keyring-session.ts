import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

/**
 * A private D-Bus session bus with an unlocked gnome-keyring on it, shared by every process
 * a test starts (as a desktop session is shared by two Codex windows). Debian packages dbus
 * and gnome-keyring; libsecret-tools gives `secret-tool` to look inside.
 */
export interface KeyringSession {
  home: string;
  /** What Codex passes to the MCP server (`env_vars`), plus HOME. */
  env: { HOME: string; DBUS_SESSION_BUS_ADDRESS: string; XDG_RUNTIME_DIR: string; XDG_DATA_HOME: string };
  /** `secret-tool lookup`: the secret stored for the account, or null. */
  lookup(account: string): Promise<string | null>;
  /** Locks the login collection, as a screen lock or `secret-tool lock` would. */
  lock(): Promise<void>;
  close(): Promise<void>;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    // a daemon that forks keeps our pipes open: its exit is what counts
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}

export async function startKeyringSession(): Promise<KeyringSession> {
  const home = await mkdtemp(path.join(os.tmpdir(), "keyring-session-"));
  const base = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, XDG_RUNTIME_DIR: home, XDG_DATA_HOME: path.join(home, "data"), LANG: "C.UTF-8" };
  const bus = await new Promise<{ address: string; pid: number }>((resolve, reject) => {
    const child = spawn("dbus-daemon", ["--session", "--nofork", "--print-address=1", "--print-pid=1"], { env: base, stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.on("error", reject);
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const [address, pid] = out.split("\n");
      if (address && pid && /^\d+$/.test(pid.trim())) resolve({ address: address.trim(), pid: Number(pid.trim()) });
    });
    child.on("exit", (code) => reject(new Error(`dbus-daemon exited with ${code}`)));
  });
  const env = { ...base, DBUS_SESSION_BUS_ADDRESS: bus.address };
  const keyring = await run("gnome-keyring-daemon", ["--unlock", "--components=secrets"], env, "test-password");
  if (keyring.code !== 0) throw new Error(`gnome-keyring-daemon failed: ${keyring.stderr}`);
  return {
    home,
    env,
    async lookup(account) {
      const r = await run("secret-tool", ["lookup", "service", "nodedc-tasker", "username", account], env);
      return r.code === 0 && r.stdout ? r.stdout : null;
    },
    async lock() {
      const r = await run(
        "dbus-send",
        ["--session", "--print-reply", "--dest=org.freedesktop.secrets", "/org/freedesktop/secrets", "org.freedesktop.Secret.Service.Lock", "array:objpath:/org/freedesktop/secrets/collection/login"],
        env,
      );
      if (r.code !== 0) throw new Error(`lock failed: ${r.stderr}`);
    },
    async close() {
      // gnome-keyring-daemon leaves when its session bus goes away
      try {
        process.kill(bus.pid, "SIGTERM");
      } catch {
        // already gone
      }
    },
  };
}
