// A JSON-RPC 2.0 server from npm's rpc-websockets: `sum` adds its params, `fail` throws.
const { Server } = require("rpc-websockets");

const server = new Server({ host: "127.0.0.1", port: 0 });
server.register("sum", (params) => params.reduce((a, b) => a + b, 0));
server.register("fail", () => {
  throw new Error("it failed on purpose");
});
server.on("listening", () => console.log(`LISTENING ${server.wss.address().port}`));
