"""Recommendations of the consultations: where they stand, how they moved, their history, counts.

The pure functions of lib.recommendations (standing, moves, move_summary, history, addressed_to)
are this domain's metrics; this module adds the counts the page, the overview and the pack show.
Nothing here mutates its inputs.
"""

from __future__ import annotations

import pandas as pd

from lib.datasets import RECOMMENDATION_STATUSES, split_list
from lib.recommendations import (
    CLOSED,
    MOVES,
    STATUS_RANK,
    addressed_to,
    history,
    move_summary,
    moves,
    standing,
)

__all__ = [
    "CLOSED",
    "MOVES",
    "STATUS_RANK",
    "NOT_REPORTED",
    "addressed_to",
    "by_addressee",
    "history",
    "move_summary",
    "moves",
    "standing",
    "status_counts",
]

#: The status of a recommendation without any follow-up report yet (shown as such, never stored).
NOT_REPORTED = "not_reported"
STATUS_ORDER = (*RECOMMENDATION_STATUSES, NOT_REPORTED)


def with_reported(stand: pd.DataFrame) -> pd.DataFrame:
    """``stand`` with ``not_reported`` where no follow-up report was made yet (a copy)."""
    out = stand.copy()
    out["status"] = out["status"].where(out["status"].notna(), NOT_REPORTED)
    return out


def status_counts(stand: pd.DataFrame, by: str = "round_id") -> pd.DataFrame:
    """Recommendations per ``by`` (the round made, say) and status: by, status, count (every status kept)."""
    df = with_reported(stand)
    counts = df.groupby([by, "status"]).size().rename("count").reset_index()
    counts["status_rank"] = counts["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    return counts.sort_values([by, "status_rank"]).reset_index(drop=True)


def by_addressee(stand: pd.DataFrame) -> pd.DataFrame:
    """One row per recommendation and addressee (the list cell split), for counts per addressee."""
    df = with_reported(stand)
    exploded = df.assign(addressee=df["addressees"].map(split_list)).explode("addressee")
    return exploded.loc[exploded["addressee"].notna()].reset_index(drop=True)
