"""The user's settings file, ``config.yaml`` in the user config directory (docs/config.md)."""
