"""The one error of rules and timers."""

from __future__ import annotations

from sockscope.core.settings import SettingsError


class RuleError(SettingsError):
    """A rule cannot be used, or could not act; the message is one sentence for the user."""
