// The official graphql-ws client (createClient, graphql-transport-ws) on npm ws.
// Arguments: URL, QUERY. Subscribes (the client picks the operation id, a UUID), prints
// each result as {"next": …} and {"complete": true} at the end as JSON lines, and exits.
const WebSocket = require("ws");
const { createClient } = require("graphql-ws");

const [url, query] = process.argv.slice(2);
const print = (value) => console.log(JSON.stringify(value));
const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });

client.subscribe(
  { query },
  {
    next: (result) => print({ next: result }),
    error: (error) => {
      print({ error: String(error && (error.message || error.reason || error.code)) });
      process.exit(1);
    },
    complete: async () => {
      print({ complete: true });
      await client.dispose();
      process.exit(0);
    },
  },
);
