// The official Socket.IO client (npm socket.io-client) against a server, WebSocket only.
// Arguments: URL, Engine.IO path, HOLD_MS. On connect it emits `echo` "hi" and `echo`
// "acked" asking for an ack; it prints every event it gets and the ack as JSON lines,
// then, HOLD_MS after the ack (long enough for the server to have to ping), prints
// {"connected": …} and exits. A disconnect before that is printed too.
const { io } = require("socket.io-client");

const [url, path, hold] = process.argv.slice(2);
const socket = io(url, { path, transports: ["websocket"], reconnection: false });
const print = (value) => console.log(JSON.stringify(value));

socket.onAny((event, ...args) => print({ event, args }));
socket.on("connect", async () => {
  socket.emit("echo", "hi");
  const answer = await socket.timeout(5000).emitWithAck("echo", "acked");
  print({ ack: answer });
  setTimeout(() => {
    print({ connected: socket.connected });
    socket.disconnect();
    process.exit(0);
  }, Number(hold));
});
socket.on("disconnect", (reason) => print({ disconnect: reason }));
socket.on("connect_error", (error) => {
  print({ connect_error: error.message });
  process.exit(1);
});
