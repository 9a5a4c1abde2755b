"""The command palette (ctrl+p): every action of the app by name (docs/config.md)."""
