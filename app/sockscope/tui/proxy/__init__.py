"""The proxy in the TUI: its own tab, and a tab for each client connection (docs/proxy.md)."""
