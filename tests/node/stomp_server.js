// A STOMP broker from npm's stomp-broker-js on an http server, path /stomp. It wants a
// client heart-beat every 200 ms and closes a client silent for longer than that plus
// heartbeatErrorMargin (600 ms here: room for a busy machine). A SEND to /queue/echo is
// published again by the broker itself to /topic/echo: the broker never delivers a
// client's own SEND back to it.
// `node stomp_server.js sockjs` serves it inside SockJS (npm sockjs) under /stomp instead.
const http = require("http");
const StompServer = require("stomp-broker-js");

// npm sockjs logs every request with console.log: stdout must carry LISTENING alone.
console.log = () => {};
const server = http.createServer();
const broker = new StompServer({
  server,
  path: "/stomp",
  heartbeat: [200, 200],
  heartbeatErrorMargin: 400,
  protocol: process.argv[2] || "ws",
});
broker.on("send", ({ dest, frame }) => {
  if (dest !== "/queue/echo") return;
  const body = typeof frame.body === "string" ? frame.body : JSON.stringify(frame.body);
  broker.send("/topic/echo", { destination: "/topic/echo" }, body);
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
