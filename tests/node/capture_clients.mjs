// Captures the frames the OFFICIAL JavaScript clients of SignalR, Phoenix channels and Action
// Cable send, against a tiny ws server that answers with frames scripted from each protocol's
// documents (their servers need .NET, Elixir and Ruby). Writes one JSON fixture per protocol:
// [{"direction": "sent"|"received", "text": ...}], "sent" meaning client to server.
//   node capture_clients.mjs OUT_DIR
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { WebSocketServer, WebSocket } from "ws";
import * as signalR from "@microsoft/signalr";
import { Socket } from "phoenix";

// Action Cable is written for browsers: give it the few globals it touches.
globalThis.addEventListener ??= () => {};
globalThis.removeEventListener ??= () => {};
globalThis.document ??= { visibilityState: "visible" };
const ActionCable = await import("@rails/actioncable");
ActionCable.adapters.WebSocket = WebSocket;

const outDir = process.argv[2];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A server that records every frame and hands each client message to `script`.
async function recording(script, onOpen = () => {}) {
  const frames = [];
  const wss = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    handleProtocols: (offered) => [...offered][0] ?? false,
  });
  wss.on("connection", (ws, req) => {
    frames.push({ direction: "open", text: req.url, subprotocol: ws.protocol });
    const send = (text) => {
      frames.push({ direction: "received", text });
      ws.send(text);
    };
    onOpen(send);
    ws.on("message", (data) => {
      const text = data.toString();
      frames.push({ direction: "sent", text });
      script(text, send, ws);
    });
  });
  await new Promise((resolve) => wss.on("listening", resolve));
  return { frames, port: wss.address().port, close: () => wss.close() };
}

async function signalr() {
  const RS = "\x1e";
  const server = await recording((text, send) => {
    for (const record of text.split(RS).filter(Boolean)) {
      const message = JSON.parse(record);
      if ("protocol" in message) {
        send("{}" + RS);
        send(JSON.stringify({ type: 1, target: "ReceiveMessage", arguments: ["ann", "hi"] }) + RS);
        send(JSON.stringify({ type: 6 }) + RS);
      } else if (message.type === 1 && message.invocationId) {
        const [a, b] = message.arguments;
        send(JSON.stringify({ type: 3, invocationId: message.invocationId, result: a + b }) + RS);
      } else if (message.type === 4) {
        const id = message.streamId ?? message.invocationId;
        // Two stream items and the completion in one frame, as a server may batch them.
        send(
          [1, 2].map((n) => JSON.stringify({ type: 2, invocationId: id, item: n }) + RS).join("") +
            JSON.stringify({ type: 3, invocationId: id }) + RS,
        );
      }
    }
  });
  const connection = new signalR.HubConnectionBuilder()
    .withUrl(`http://127.0.0.1:${server.port}/chathub?id=token123`, {
      skipNegotiation: true,
      transport: signalR.HttpTransportType.WebSockets,
    })
    .configureLogging(signalR.LogLevel.None)
    .build();
  connection.keepAliveIntervalInMilliseconds = 100;
  connection.on("ReceiveMessage", () => {});
  await connection.start();
  await connection.invoke("Add", 2, 3);
  await new Promise((resolve) =>
    connection.stream("Counter", 2).subscribe({ next() {}, error: resolve, complete: resolve }),
  );
  await connection.send("Notify", "fire and forget");
  await sleep(250); // a client ping
  await connection.stop();
  server.close();
  return server.frames;
}

async function phoenix() {
  const server = await recording((text, send) => {
    const [joinRef, ref, topic, event, payload] = JSON.parse(text);
    const reply = (response) =>
      send(JSON.stringify([joinRef, ref, topic, "phx_reply", { status: "ok", response }]));
    if (event === "heartbeat") reply({});
    else if (event === "phx_join" && topic === "room:lobby") {
      reply({ welcome: payload.name });
      send(JSON.stringify([null, null, topic, "new_msg", { body: "from the server" }]));
    } else if (event === "phx_join") {
      send(JSON.stringify([joinRef, ref, topic, "phx_reply", { status: "error", response: { reason: "unauthorized" } }]));
    } else if (event === "new_msg") {
      reply({ echoed: payload.body });
      send(JSON.stringify([joinRef, joinRef, topic, "phx_error", {}]));
    } else if (event === "phx_leave") reply({});
  });
  const socket = new Socket(`ws://127.0.0.1:${server.port}/socket`, {
    transport: WebSocket,
    heartbeatIntervalMs: 100,
  });
  socket.connect();
  const lobby = socket.channel("room:lobby", { name: "ann" });
  await new Promise((resolve) => lobby.join().receive("ok", resolve));
  await new Promise((resolve) => socket.channel("room:secret", {}).join().receive("error", resolve));
  await new Promise((resolve) => lobby.push("new_msg", { body: "hello" }).receive("ok", resolve));
  await sleep(250); // heartbeats
  await new Promise((resolve) => lobby.leave().receive("ok", resolve));
  socket.disconnect();
  server.close();
  return server.frames;
}

async function actioncable() {
  let toClient;
  const server = await recording(
    (text, send) => {
      const message = JSON.parse(text);
      const { channel } = JSON.parse(message.identifier);
      if (message.command === "subscribe" && channel === "ChatChannel") {
        send(JSON.stringify({ identifier: message.identifier, type: "confirm_subscription" }));
      } else if (message.command === "subscribe") {
        send(JSON.stringify({ identifier: message.identifier, type: "reject_subscription" }));
      } else if (message.command === "message") {
        const data = JSON.parse(message.data);
        send(JSON.stringify({ type: "ping", message: 1700000000 }));
        send(JSON.stringify({ identifier: message.identifier, message: { said: data.message } }));
      }
    },
    (send) => {
      toClient = send;
      send(JSON.stringify({ type: "welcome" })); // the server speaks first in Action Cable
    },
  );
  const consumer = ActionCable.createConsumer(`ws://127.0.0.1:${server.port}/cable`);
  await new Promise((resolve) => {
    const chat = consumer.subscriptions.create(
      { channel: "ChatChannel", room: "1" },
      {
        connected() {
          chat.perform("speak", { message: "hi" });
        },
        received: resolve,
      },
    );
  });
  await new Promise((resolve) =>
    consumer.subscriptions.create({ channel: "SecretChannel" }, { rejected: resolve }),
  );
  toClient(JSON.stringify({ type: "disconnect", reason: "unauthorized", reconnect: false }));
  await sleep(100);
  consumer.disconnect();
  server.close();
  return server.frames;
}

const captured = {
  signalr: await signalr(),
  phoenix: await phoenix(),
  actioncable: await actioncable(),
};
for (const [name, frames] of Object.entries(captured)) {
  writeFileSync(join(outDir, `${name}.json`), JSON.stringify(frames, null, 1) + "\n");
}
console.log("CAPTURED", Object.keys(captured).join(" "));
process.exit(0);
