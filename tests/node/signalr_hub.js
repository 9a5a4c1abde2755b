// A small SignalR hub (JSON protocol) for the negotiate request: POST /chathub/negotiate
// hands out one-use connection tokens; the WebSocket on /chathub needs one (`?id=`), answers
// the handshake and completes an `Echo` invocation with its first argument.
const http = require("http");
const { WebSocketServer } = require("ws");

const RS = "\x1e";
const tokens = new Set();
let issued = 0;
const server = http.createServer((request, response) => {
  const url = new URL(request.url, "http://x");
  if (request.method === "POST" && url.pathname === "/chathub/negotiate") {
    if (request.headers.authorization !== "Bearer hub-secret") {
      response.writeHead(401).end();
      return;
    }
    const token = `token-${++issued}`;
    tokens.add(token);
    response.setHeader("Content-Type", "application/json");
    response.end(JSON.stringify({
      negotiateVersion: 1, connectionId: `c-${issued}`, connectionToken: token,
      availableTransports: [{ transport: "WebSockets", transferFormats: ["Text", "Binary"] }],
    }));
    return;
  }
  response.writeHead(404).end();
});
const hub = new WebSocketServer({ noServer: true });
server.on("upgrade", (request, socket, head) => {
  const url = new URL(request.url, "http://x");
  const token = url.searchParams.get("id");
  if (url.pathname !== "/chathub" || !tokens.delete(token)) {
    socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
    return;
  }
  hub.handleUpgrade(request, socket, head, (ws) => {
    ws.on("message", (data) => {
      for (const record of data.toString().split(RS).filter(Boolean)) {
        const message = JSON.parse(record);
        if (message.protocol === "json") ws.send("{}" + RS);
        else if (message.type === 1 && message.target === "Echo")
          ws.send(JSON.stringify({ type: 3, invocationId: message.invocationId, result: message.arguments[0] }) + RS);
      }
    });
  });
});
server.listen(0, "127.0.0.1", () => console.log(`LISTENING ${server.address().port}`));
