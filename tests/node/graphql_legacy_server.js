// A legacy GraphQL server from npm's subscriptions-transport-ws (the `graphql-ws`
// subprotocol): the same schema as graphql_server.js, with a `ka` keepalive every 100 ms.
const { createServer } = require("http");
const { SubscriptionServer } = require("subscriptions-transport-ws");
const { buildSchema, execute, subscribe } = require("graphql");

const schema = buildSchema(`
  type Query { hello(name: String): String }
  type Subscription { ticks(upTo: Int!): Int }
`);
const rootValue = {
  hello: ({ name }) => `hello ${name ?? "world"}`,
  ticks: async function* ({ upTo }) {
    for (let n = 1; n <= upTo; n++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      yield { ticks: n };
    }
  },
};

const server = createServer();
SubscriptionServer.create(
  { schema, rootValue, execute, subscribe, keepAlive: 100 },
  { server, path: "/graphql" },
);
server.listen(0, "127.0.0.1", () => console.log(`LISTENING ${server.address().port}`));
