// A GraphQL server from npm's graphql-ws (graphql-transport-ws) on a `ws` server: a query,
// a mutation and a subscription that yields three ticks. connectionInitWaitTimeout is short
// so a client that never sends connection_init is closed (4408) within half a second; after
// the ack the server sends one protocol `ping`, which a client must answer with `pong`.
const { WebSocketServer } = require("ws");
const { useServer } = require("graphql-ws/use/ws");
const { buildSchema } = require("graphql");

const schema = buildSchema(`
  type Query { hello(name: String): String }
  type Mutation { bump(by: Int!): Int }
  type Subscription { ticks(upTo: Int!): Int }
`);
let counter = 0;
const roots = {
  query: { hello: ({ name }) => `hello ${name ?? "world"}` },
  mutation: { bump: ({ by }) => (counter += by) },
  subscription: {
    ticks: async function* ({ upTo }) {
      for (let n = 1; n <= upTo; n++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        yield { ticks: n };
      }
    },
  },
};

const wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
useServer(
  {
    schema,
    roots,
    connectionInitWaitTimeout: 500,
    onConnect: (ctx) => {
      setTimeout(() => ctx.extra.socket.send(JSON.stringify({ type: "ping" })), 50);
      return true;
    },
    onPong: () => console.log("PONG"),
  },
  wss,
  200,
);
wss.on("listening", () => console.log(`LISTENING ${wss.address().port}`));
