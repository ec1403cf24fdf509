/**
 * A PostgreSQL cluster of our own (initdb into a temp dir, its own port, trust auth), so a
 * scenario may stop and restart it. The shared server other suites use is never touched.
 * As root, the cluster runs as the `postgres` user (initdb refuses root); as anyone else,
 * as that user. Binaries: PG_BIN_DIR, else the newest /usr/lib/postgresql/<major>/bin.
 */
import { execFile, execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { freePort } from "../../../bench/lib/gateway-process.ts";

const run = promisify(execFile);

function binDir(): string {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const root = "/usr/lib/postgresql";
  const majors = existsSync(root) ? readdirSync(root).filter((d) => /^\d+$/.test(d)).sort((a, b) => Number(b) - Number(a)) : [];
  if (!majors[0]) throw new Error("no PostgreSQL binaries: install the postgresql package or set PG_BIN_DIR");
  return join(root, majors[0], "bin");
}

export interface PrivatePostgres {
  /** Superuser URL of database `postgres` on the private cluster. */
  url: string;
  port: number;
  /** URL of a fresh database on the cluster. */
  createDatabase(name: string): Promise<string>;
  /** `pg_ctl stop -m <mode>` (fast: clean shutdown, clients cut off; immediate: a crash). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "nodedc-faults-pg-"));
  const data = join(dir, "data");
  if (asRoot) chownSync(dir, uidOf("postgres"), gidOf("postgres"));
  const pgUser = asRoot ? "postgres" : (process.env.USER ?? "postgres");
  const exec = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);
  await exec("initdb", ["-D", data, "-A", "trust", "-U", pgUser, "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200`;
  const log = join(dir, "server.log");
  const start = async () => {
    await exec("pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"]);
  };
  const stop = async (mode: "fast" | "immediate" = "fast") => {
    await exec("pg_ctl", ["-D", data, "-m", mode, "-w", "-t", "60", "stop"]);
  };
  await start();
  const url = `postgres://${pgUser}@127.0.0.1:${port}/postgres`;
  let closed = false;
  return {
    url,
    port,
    async createDatabase(name) {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end({ timeout: 5 });
      }
      return `postgres://${pgUser}@127.0.0.1:${port}/${name}`;
    },
    stop,
    start,
    async close() {
      if (closed) return;
      closed = true;
      await stop("immediate").catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function idOf(flag: "-u" | "-g", user: string): number {
  // `id` is everywhere; node has no getpwnam.
  return Number(execFileSync("id", [flag, user], { encoding: "utf8" }).trim());
}
const uidOf = (user: string) => idOf("-u", user);
const gidOf = (user: string) => idOf("-g", user);
