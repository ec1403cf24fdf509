/** Child process: a TCP echo server on a random loopback port (the round-trip floor baseline). */
import net from "node:net";

const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.pipe(socket);
});
server.listen(0, "127.0.0.1", () => {
  console.log(JSON.stringify({ ready: true, port: (server.address() as net.AddressInfo).port }));
});
process.on("SIGTERM", () => process.exit(0));
