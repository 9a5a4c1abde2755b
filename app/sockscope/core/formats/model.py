"""What a log file holds once loaded: a header, the store of rows, and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sockscope import __version__
from sockscope.core.store.frames import FrameStore

FORMAT_VERSION = 1
TOOL = f"sockscope {__version__}"


#: The epoch seconds ``datetime`` can show (years 1 to 9999).
_EARLIEST = datetime.min.replace(tzinfo=UTC).timestamp()
_LATEST = datetime.max.replace(tzinfo=UTC).timestamp() - 1


def iso_time(epoch: float) -> str:
    """Epoch seconds as ISO 8601 UTC with milliseconds, as HAR writes times.

    Times beyond what a calendar shows (year 10000, say) are clamped to it.
    """
    moment = datetime.fromtimestamp(min(max(epoch, _EARLIEST), _LATEST), UTC)
    # Formatted by hand: strftime's %Y writes year 1 as "1", which no ISO reader takes.
    return (
        f"{moment.year:04d}-"
        + moment.strftime("%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}Z"
    )


def epoch_time(value: object) -> float | None:
    """Epoch seconds from an ISO 8601 string or a number; None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if _EARLIEST <= value <= _LATEST else None
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def now_iso() -> str:
    return iso_time(datetime.now(UTC).timestamp())


@dataclass(frozen=True)
class LogHeader:
    """The first line of a JSONL log (and what a HAR import knows of the same)."""

    url: str = ""
    created: str = field(default_factory=now_iso)
    """When the session started, ISO 8601 UTC."""
    tool: str = TOOL
    version: int = FORMAT_VERSION
    extra: dict[str, Any] = field(default_factory=dict)
    """Header keys this version does not know, kept so a rewrite does not lose them."""


@dataclass
class LoadedLog:
    header: LogHeader
    store: FrameStore
    warnings: list[str] = field(default_factory=list)
    """Problems that did not stop the load (e.g. a cut-off last line), one sentence each."""
