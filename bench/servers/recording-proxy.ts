/**
 * Child process: a recording HTTP proxy between the gateway and the sandbox, used by the
 * rounds leg only. It stamps each request when it reaches the proxy (t0) and when its
 * answer has been handed back to the gateway's socket (t1): the Tasker requests as the
 * gateway's client sends and receives them, one hop away. The proxy does no work of its
 * own per request (it pipes bytes), so its event loop is never busy for long and a request
 * is stamped when it arrives — unlike in the sandbox, whose loop is busy serialising JSON
 * for the other requests while a new one waits in the socket buffer (lib/rounds.ts).
 * Env: PROXY_TARGET (the sandbox's URL). Prints one JSON line `{ready, url}`. IPC:
 *   {cmd:"record", on} → {ok, now}  start (clearing) or stop recording; now = the proxy's clock
 *   {cmd:"recorded"}   → {calls}    what was recorded (requests that arrived while recording)
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { RecordedCall } from "./sandbox.ts";

const target = new URL(process.env.PROXY_TARGET ?? "");
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const now = () => performance.timeOrigin + performance.now();
let recording: RecordedCall[] | null = null;

const server = http.createServer((req, res) => {
  const t0 = now();
  const into = recording;
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host }, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  res.on("finish", () => {
    // only into the window it arrived in: a straggler of an earlier window is not this call's
    if (into && into === recording) into.push({ method: req.method ?? "GET", path: req.url ?? "", body: null, t0, t1: now() });
  });
  upstream.on("error", () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;

process.on("message", (m: { cmd?: string; on?: boolean }) => {
  if (m?.cmd === "record") {
    recording = m.on ? [] : null;
    process.send?.({ ok: true, now: now() });
  } else if (m?.cmd === "recorded") {
    process.send?.({ calls: recording ?? [] });
  }
});
process.on("SIGTERM", () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ ready: true, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
});
