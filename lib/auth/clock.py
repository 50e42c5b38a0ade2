"""The one clock of the package: aware UTC times (tests pass their own ``now``)."""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc(now: datetime | None = None) -> datetime:
    """``now`` (which must be timezone-aware), or the current UTC time."""
    if now is None:
        return datetime.now(UTC)
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware (use datetime.now(UTC)).")
    return now
