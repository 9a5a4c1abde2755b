// A Socket.IO v4 server (npm socket.io: Engine.IO v4, Socket.IO protocol v5) with short
// ping timings, so a client that does not answer pings is dropped within half a second.
// Argument: the Engine.IO path (default /socket.io/).
// - on connect: emits `welcome` with the auth object the client joined with;
// - `echo` acks back its arguments; `bytes` emits `file` with a Buffer (a binary event);
// - `/chat` echoes `msg` with an ack; `/admin` rejects every join in a middleware.
const http = require("http");
const { Server } = require("socket.io");

const path = process.argv[2] || "/socket.io/";
const server = http.createServer();
const io = new Server(server, { path, pingInterval: 300, pingTimeout: 200 });

io.on("connection", (socket) => {
  socket.emit("welcome", socket.handshake.auth);
  socket.on("echo", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) ack(...args);
    else socket.emit("echo", ...args);
  });
  socket.on("bytes", (text) => socket.emit("file", { name: "f" }, Buffer.from(String(text))));
});

io.of("/chat").on("connection", (socket) => {
  socket.on("msg", (text, ack) => ack && ack(`got ${text}`));
});

io.of("/admin").use((socket, next) => next(new Error("not authorized")));

server.listen(0, "127.0.0.1", () => console.log(`LISTENING ${server.address().port}`));
