"""New York office workload: items and hours by month and round, capacity, backlog, turnaround.

Pure functions over the work-item frame (lib/datasets.py columns); none mutates its input.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import numpy as np
import pandas as pd

from lib.datasets import PLAN_WORK_AREAS
from lib.rounds import as_timestamp, ids_of, round_of_date, with_dates

AGE_BUCKETS = ("0-30", "31-90", "91-180", ">180")
_AGE_EDGES = (30, 90, 180)
PLAN_GROUP = "plan areas"
OTHER_GROUP = "other"


def _items(items: pd.DataFrame) -> pd.DataFrame:
    d = with_dates(items, ["received_on", "completed_on"])
    d["hours"] = d["hours"].astype(float)
    return d


def _month_range(months: pd.Series) -> pd.DatetimeIndex:
    if months.dropna().empty:
        return pd.DatetimeIndex([])
    return pd.date_range(months.min(), months.max(), freq="MS")


def _month(col: pd.Series) -> pd.Series:
    return col.dt.to_period("M").dt.to_timestamp()


def monthly_counts(items: pd.DataFrame, by: str = "work_area") -> pd.DataFrame:
    """Items and hours per month received and ``by`` (work_area or requesting_body).

    Every month from the first to the last is present for every category seen
    (zeros included) so lines do not skip empty months. Columns: month (first day,
    datetime64), <by>, items, hours.
    """
    if by not in ("work_area", "requesting_body"):
        raise ValueError("by must be 'work_area' or 'requesting_body'")
    d = _items(items)
    d["month"] = _month(d["received_on"])
    months = _month_range(d["month"])
    grid = pd.MultiIndex.from_product([months, sorted(d[by].dropna().unique())], names=["month", by])
    out = d.groupby(["month", by]).agg(items=("id", "size"), hours=("hours", "sum"))
    out = out.reindex(grid, fill_value=0).reset_index()
    out["items"] = out["items"].astype(int)
    out["hours"] = out["hours"].astype(float)
    return out


def assign_round(items: pd.DataFrame, rounds: pd.DataFrame | Iterable[str]) -> pd.DataFrame:
    """Copy of ``items`` with ``round_id``: the round whose half-year contains received_on.

    Items outside every listed round get a missing round_id.
    """
    ids = set(ids_of(rounds))
    d = _items(items)
    rid = d["received_on"].map(lambda ts: round_of_date(ts) if pd.notna(ts) else None)
    d["round_id"] = rid.where(rid.isin(ids), None)
    return d


def by_round(items: pd.DataFrame, rounds: pd.DataFrame | Iterable[str]) -> pd.DataFrame:
    """Items and hours per round and work area (rounds frame: id, meeting_date, cutoff_date).

    Every round listed x every work area seen, zeros included, in round order;
    items received outside every listed round are left out. Columns: round_id,
    work_area, items, hours.
    """
    ids = ids_of(rounds)
    d = assign_round(items, ids)
    grid = pd.MultiIndex.from_product(
        [ids, sorted(d["work_area"].dropna().unique())], names=["round_id", "work_area"]
    )
    out = d.dropna(subset=["round_id"]).groupby(["round_id", "work_area"])
    out = out.agg(items=("id", "size"), hours=("hours", "sum")).reindex(grid, fill_value=0).reset_index()
    out["items"] = out["items"].astype(int)
    out["hours"] = out["hours"].astype(float)
    return out


STILL_ON_STAFF_MONTHS = 3  # an officer with a request this recently is taken as still there


def officers_on_staff(items: pd.DataFrame) -> pd.Series:
    """Officers on staff per month: each officer from the month of their first request received to
    that of their last (no staff list is held; the requests show who was there), every month of the
    items' range, zeros included. An officer whose last request is in the latest
    :data:`STILL_ON_STAFF_MONTHS` months counts to the end: a quiet month before a round's cut-off
    is no departure."""
    d = _items(items)
    d["month"] = _month(d["received_on"])
    months = _month_range(d["month"])
    if "staff_member" not in d:
        return pd.Series(0, index=months, dtype=int)
    spans = d.dropna(subset=["staff_member", "month"]).groupby("staff_member")["month"].agg(["min", "max"])
    if len(months):
        recent = spans["max"] > months[-1] - pd.DateOffset(months=STILL_ON_STAFF_MONTHS)
        spans.loc[recent, "max"] = months[-1]
    first, last = spans["min"].to_numpy(), spans["max"].to_numpy()
    counts = [int(((first <= m) & (last >= m)).sum()) for m in months.to_numpy()]
    return pd.Series(counts, index=months, dtype=int)


def hours_vs_capacity(items: pd.DataFrame, hours_per_officer: float) -> pd.DataFrame:
    """Hours logged per month (by month received) against the office's capacity in that month.

    The capacity of a month is the officers on staff then (:func:`officers_on_staff`, at least
    one) times ``hours_per_officer``: both are the whole office's hours in one month, so bars and
    line share one scale (a capacity counting every officer ever seen overstated the early months).
    Columns: month, items, hours, officers, capacity_hours, utilisation (hours / capacity),
    over_capacity.
    """
    if hours_per_officer <= 0:
        raise ValueError("hours per officer must be positive")
    d = _items(items)
    d["month"] = _month(d["received_on"])
    out = d.groupby("month").agg(items=("id", "size"), hours=("hours", "sum"))
    out = out.reindex(_month_range(d["month"]), fill_value=0).rename_axis("month").reset_index()
    out["items"] = out["items"].astype(int)
    out["hours"] = out["hours"].astype(float)
    out["officers"] = officers_on_staff(items).reindex(out["month"]).fillna(0).astype(int).to_numpy()
    out["capacity_hours"] = out["officers"].clip(lower=1) * float(hours_per_officer)
    out["utilisation"] = out["hours"] / out["capacity_hours"]
    out["over_capacity"] = out["hours"] > out["capacity_hours"]
    return out


def age_bucket(days: int | float) -> str:
    """The backlog age bucket of an age in days: 0-30, 31-90, 91-180 or >180."""
    for edge, label in zip(_AGE_EDGES, AGE_BUCKETS, strict=False):
        if days <= edge:
            return label
    return AGE_BUCKETS[-1]


def backlog(items: pd.DataFrame, as_of: date | datetime | str | pd.Timestamp) -> pd.DataFrame:
    """Items open on ``as_of``: received by then and not completed by then.

    Open means status != completed, or completed_on after as_of (an item
    completed with no date is taken as closed). Columns: the item columns plus
    age_days (as_of - received_on) and age_bucket (AGE_BUCKETS), oldest first.
    """
    as_of_ts = as_timestamp(as_of)
    d = _items(items)
    still_open = (d["status"] != "completed") | (d["completed_on"] > as_of_ts)
    d = d.loc[still_open & (d["received_on"] <= as_of_ts)].copy()
    d["age_days"] = (as_of_ts - d["received_on"]).dt.days.astype(int)
    d["age_bucket"] = d["age_days"].map(age_bucket)
    return d.sort_values(["age_days", "id"], ascending=[False, True]).reset_index(drop=True)


def turnaround(items: pd.DataFrame) -> pd.DataFrame:
    """Days from received to completed per work area, over completed items with a date.

    Columns: work_area, completed_items, median_days, mean_days, max_days.
    """
    d = _items(items)
    d = d.loc[(d["status"] == "completed") & d["completed_on"].notna() & d["received_on"].notna()].copy()
    d["days"] = (d["completed_on"] - d["received_on"]).dt.days.astype(float)
    out = d.groupby("work_area", sort=True)["days"].agg(
        completed_items="size", median_days="median", mean_days="mean", max_days="max"
    )
    return out.reset_index()


def plan_area_share(items: pd.DataFrame) -> pd.DataFrame:
    """Items and hours in the five areas the plan names vs the rest.

    Two rows, group "plan areas" then "other". Columns: group, items, hours,
    item_share, hour_share (0-1; 0 when there is nothing at all).
    """
    d = _items(items)
    d["group"] = np.where(d["work_area"].isin(PLAN_WORK_AREAS), PLAN_GROUP, OTHER_GROUP)
    out = d.groupby("group").agg(items=("id", "size"), hours=("hours", "sum"))
    out = out.reindex([PLAN_GROUP, OTHER_GROUP], fill_value=0).rename_axis("group").reset_index()
    out["items"] = out["items"].astype(int)
    out["hours"] = out["hours"].astype(float)
    total_items, total_hours = out["items"].sum(), out["hours"].sum()
    out["item_share"] = out["items"] / total_items if total_items else 0.0
    out["hour_share"] = out["hours"] / total_hours if total_hours else 0.0
    return out
