"""Consultation rounds: ids (YYYY-H1/H2), their order, half-years and date helpers.

Shared by every domain: a round is the unit each page and the briefing pack report on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from lib import i18n
from lib.datasets import ROUND_PATTERN
from lib.i18n import _


def with_dates(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``df`` with the given (present) columns as datetime64."""
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = pd.to_datetime(out[col], errors="coerce")
    return out


def as_timestamp(value: date | datetime | str | pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(value)


def round_key(round_id: str) -> tuple[int, int]:
    """Sort key of a round id: ``"2009-H2"`` -> ``(2009, 2)``."""
    if not isinstance(round_id, str) or not re.match(ROUND_PATTERN, round_id):
        raise ValueError(f"not a round id (YYYY-H1 or YYYY-H2): {round_id!r}")
    return int(round_id[:4]), int(round_id[-1])


def round_number(round_id: str) -> int:
    """Round as one sortable integer (2009-H2 -> 20092), for vectorised sorting."""
    year, half = round_key(round_id)
    return year * 10 + half


def sort_rounds(round_ids: Iterable[str]) -> list[str]:
    """Distinct round ids in chronological order."""
    return sorted(set(round_ids), key=round_key)


def round_bounds(round_id: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a round's half-year (H1 = Jan-Jun, H2 = Jul-Dec)."""
    year, half = round_key(round_id)
    if half == 1:
        return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 6, 30)
    return pd.Timestamp(year, 7, 1), pd.Timestamp(year, 12, 31)


def round_of_date(value: date | datetime | str | pd.Timestamp) -> str:
    """The round id whose half-year contains ``value``."""
    ts = as_timestamp(value)
    return f"{ts.year}-H{1 if ts.month <= 6 else 2}"


def previous_round(round_ids: Iterable[str], round_id: str) -> str | None:
    """The latest round of ``round_ids`` before ``round_id`` (None when there is none)."""
    key = round_key(round_id)
    earlier = [r for r in set(round_ids) if round_key(r) < key]
    return max(earlier, key=round_key) if earlier else None


def ids_of(rounds: pd.DataFrame | Iterable[str]) -> list[str]:
    """Round ids from a rounds frame (column ``id``) or any iterable of ids."""
    if isinstance(rounds, pd.DataFrame):
        return sort_rounds(rounds["id"].dropna())
    return sort_rounds(rounds)


def upto_round(df: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """Rows (with round_id) of this round and earlier ones."""
    key = round_key(round_id)
    return df.loc[df["round_id"].map(lambda r: round_key(r) <= key).astype(bool)]


@dataclass(frozen=True)
class Window:
    """A round, the round before it and both cut-off dates: what every headline compares."""

    round_id: str
    previous: str | None
    cutoff: pd.Timestamp
    previous_cutoff: pd.Timestamp | None


def window(rounds: pd.DataFrame, round_id: str) -> Window:
    """The :class:`Window` of ``round_id`` in a rounds frame (id, cutoff_date)."""
    r = rounds.set_index("id")
    prev = previous_round(rounds["id"], round_id)
    cutoff = pd.Timestamp(r.at[round_id, "cutoff_date"])
    return Window(round_id, prev, cutoff, pd.Timestamp(r.at[prev, "cutoff_date"]) if prev else None)


def round_caption(row: pd.Series) -> str:
    """What the pages say under the round picker: the round (its ``name``), title, meeting and cut-off (markdown)."""
    return _(
        "Showing round **{round}** — {title}; meeting {meeting}; data as of {cutoff} (cut-off).",
        round=row.name,
        title=row["title"],
        meeting=i18n.fmt_date(row["meeting_date"]),
        cutoff=i18n.fmt_date(row["cutoff_date"]),
    )
