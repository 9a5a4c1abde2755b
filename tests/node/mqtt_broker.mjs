// An MQTT broker from npm's aedes, served over WebSocket with ws's stream adapter (the way
// aedes' own docs serve it). aedes drops a client silent for 1.5 times its keepalive.
import { createServer } from "node:http";
import { Aedes } from "aedes";
import { WebSocketServer, createWebSocketStream } from "ws";

const broker = await Aedes.createBroker();
const httpServer = createServer();
const wss = new WebSocketServer({ server: httpServer });
wss.on("connection", (websocket, req) => broker.handle(createWebSocketStream(websocket), req));
httpServer.listen(0, "127.0.0.1", () => console.log(`LISTENING ${httpServer.address().port}`));
