"""Action points (section V of the plan): status by cluster, moves between rounds, overdue points.

Pure functions over the progress-report frame (lib/datasets.py columns); none mutates its input.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from lib.datasets import STATUSES
from lib.rounds import as_timestamp, round_number, with_dates

MOVES = ("improved", "declined", "unchanged", "new")
AT_RISK_ASSESSMENTS = ("at_risk", "off_track")


def status_rank(status: str) -> int:
    """Ordinal rank of a status: not_started 0 < limited 1 < substantial 2 < completed 3."""
    key = str(status).strip().lower()
    if key not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(STATUSES)}")
    return STATUSES.index(key)


def _rank_or_nan(status: Any) -> float:
    return float(status_rank(status)) if isinstance(status, str) and status else np.nan


def _round_rows(reports: pd.DataFrame, round_id: str | None) -> pd.DataFrame:
    if round_id is None:
        return reports.iloc[0:0].copy()
    return reports.loc[reports["round_id"] == round_id].copy()


def _point_order(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in the plan's order of action points (sort_order when known)."""
    cols = [c for c in ("sort_order", "action_point_id") if c in df.columns]
    return df.sort_values(cols, kind="stable").reset_index(drop=True)


def cluster_rollup(reports: pd.DataFrame, round_id: str) -> pd.DataFrame:
    """Counts and shares of action points by status within each cluster for one round.

    Long form, every status present for every cluster (zero counts included) so
    stacked bars line up: cluster, cluster_title, status, status_rank, count,
    total, share (0-1 of the cluster's reported points).
    """
    cols = ["cluster", "cluster_title", "status", "status_rank", "count", "total", "share"]
    rows = _round_rows(reports, round_id)
    if rows.empty:
        return pd.DataFrame(columns=cols)
    clusters = rows[["cluster", "cluster_title"]].drop_duplicates("cluster").sort_values("cluster")
    grid = clusters.merge(pd.DataFrame({"status": list(STATUSES)}), how="cross")
    counts = rows.groupby(["cluster", "status"]).size().rename("count").reset_index()
    out = grid.merge(counts, on=["cluster", "status"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    out["total"] = out.groupby("cluster")["count"].transform("sum")
    out["share"] = out["count"] / out["total"]  # total > 0: clusters come from the round's rows
    out["status_rank"] = out["status"].map(status_rank)
    return out.sort_values(["cluster", "status_rank"]).reset_index(drop=True)[cols]


def status_moves(reports: pd.DataFrame, round_id: str, previous_round_id: str | None) -> pd.DataFrame:
    """Each action point reported in ``round_id`` with its status move since the previous round.

    Columns: the round's report columns plus previous_status, previous_rank,
    status_rank and move (improved / declined / unchanged / new by the ordinal
    scale; "new" when the point was not reported in the previous round).
    """
    now = _round_rows(reports, round_id)
    before = _round_rows(reports, previous_round_id)[["action_point_id", "status"]]
    before = before.rename(columns={"status": "previous_status"})
    out = now.merge(before, on="action_point_id", how="left")
    out["status_rank"] = out["status"].map(_rank_or_nan)
    out["previous_rank"] = out["previous_status"].map(_rank_or_nan)
    out["move"] = np.select(
        [
            out["previous_rank"].isna(),
            out["status_rank"] > out["previous_rank"],
            out["status_rank"] < out["previous_rank"],
        ],
        ["new", "improved", "declined"],
        default="unchanged",
    )
    return _point_order(out)


def move_summary(moves: pd.DataFrame) -> dict[str, int]:
    """Number of action points per move, all four moves present: improved, declined, unchanged, new."""
    counts = moves["move"].value_counts()
    return {m: int(counts.get(m, 0)) for m in MOVES}


def overdue(
    reports: pd.DataFrame, round_id: str, as_of: date | datetime | str | pd.Timestamp
) -> pd.DataFrame:
    """The round's reports with ``overdue`` (due before ``as_of`` and not completed) and ``days_overdue``.

    A point without a due date is never overdue; days_overdue is 0 when not overdue.
    """
    as_of_ts = as_timestamp(as_of)
    rows = with_dates(_round_rows(reports, round_id), ["due_date"])
    late = rows["due_date"].notna() & (rows["due_date"] < as_of_ts) & (rows["status"] != "completed")
    rows["overdue"] = late.astype(bool)
    rows["days_overdue"] = np.where(late, (as_of_ts - rows["due_date"]).dt.days, 0).astype(int)
    return _point_order(rows)


def newly_at_risk(reports: pd.DataFrame, round_id: str, previous_round_id: str | None) -> pd.DataFrame:
    """Points assessed at_risk/off_track in ``round_id`` that were on_track or not reported before.

    Columns: the round's report columns plus previous_assessment (NaN when absent).
    """
    now = _round_rows(reports, round_id)
    before = _round_rows(reports, previous_round_id)[["action_point_id", "assessment"]]
    out = now.merge(
        before.rename(columns={"assessment": "previous_assessment"}), on="action_point_id", how="left"
    )
    was_fine = out["previous_assessment"].isna() | (out["previous_assessment"] == "on_track")
    return _point_order(out.loc[out["assessment"].isin(AT_RISK_ASSESSMENTS) & was_fine])


def point_history(reports: pd.DataFrame, action_point_id: str) -> pd.DataFrame:
    """All reports of one action point in round order, with ``status_rank``."""
    rows = reports.loc[reports["action_point_id"] == action_point_id].copy()
    rows["status_rank"] = rows["status"].map(_rank_or_nan)
    rows["_key"] = rows["round_id"].map(round_number)
    return rows.sort_values("_key").drop(columns="_key").reset_index(drop=True)
