"""Auto-reply rules and timers, run by the connection driver as a plug-in (docs/rules.md)."""
