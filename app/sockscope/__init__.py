"""sockscope: a full-screen terminal WebSocket debugger."""

__version__ = "0.1.0"
