"""Protocol layers: what a server speaks on top of WebSocket (Socket.IO, GraphQL, STOMP…).

A layer decodes frames into named messages, encodes what the composer builds, runs the
protocol's own duties (handshake, keepalive answers and timers) and says which messages
pair up. docs/protocols.md lists the layers and how to add one.
"""
