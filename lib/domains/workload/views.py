"""Workload tables: an officer's monthly hours, the items of a round, monthly rows up to a cut-off."""

from __future__ import annotations

import pandas as pd

from lib.domains.workload import metrics

HOURS_PER_PERSON_MONTH = 120.0  # a full-time officer's working hours in a month, less leave and training


def items_in_round(items: pd.DataFrame, rounds: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """Work items received in a round's half-year."""
    return metrics.assign_round(items, rounds).loc[lambda d: d["round_id"] == round_id]


def monthly_upto(monthly: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Monthly rows up to the round's cut-off (so the page shows the data as of that round)."""
    return monthly.loc[monthly["month"] <= pd.Timestamp(as_of)]


BACKLOG_COLUMNS = [
    "id",
    "received_on",
    "work_area",
    "requesting_body",
    "kind",
    "title",
    "staff_member",
    "status",
    "age_days",
    "age_bucket",
]


def per_round_pivot(per_round: pd.DataFrame) -> pd.DataFrame:
    """Items per round (rows) and work area (columns), from :func:`metrics.by_round`."""
    return per_round.pivot_table(index="round_id", columns="work_area", values="items", fill_value=0)


def completed_by(items: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The items completed by ``as_of`` (the turnaround as of a round's cut-off)."""
    return items.loc[items["completed_on"] <= as_of]
