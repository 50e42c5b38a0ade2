"""Recommendations of the consultations and where they stand (pure: DataFrames in, DataFrames out).

Frames have the columns of the ``recommendations`` and ``recommendation-status`` datasets
(lib.datasets), as ``lib.ingest.export_frame`` or a query gives them; rounds have ``id`` and
``meeting_date``. Round ids sort in time order (``2008-H1`` < ``2008-H2``), so "as of round R"
is a string comparison. Nothing here mutates its inputs.

- :func:`standing`: each recommendation made by round R (or in one round) with its latest
  follow-up report as of R and an ``overdue`` flag;
- :func:`moves` and :func:`move_summary`: how their statuses moved between two rounds;
- :func:`history`: one recommendation's reports, round by round;
- :func:`addressed_to`: the recommendations addressed to any of some agencies or units.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from lib.datasets import STATUSES, split_list

#: Ordinal rank of a status (dropped is off the scale).
STATUS_RANK = {s: i for i, s in enumerate(STATUSES)}
#: Statuses that end the follow-up: neither is ever overdue.
CLOSED = ("completed", "dropped")
#: How a recommendation's status moved between two rounds, in display order.
MOVES = ("improved", "declined", "unchanged", "new", "dropped", "reopened", "not_reported")
REPORT_COLUMNS = ["status", "status_round", "reason", "note", "reported_by", "reported_on"]


def _latest(statuses: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """Each recommendation's latest report in round ``as_of`` or before (status_round = its round)."""
    rows = statuses.loc[statuses["round_id"] <= as_of]
    rows = rows.sort_values(["recommendation_id", "round_id"]).drop_duplicates(
        "recommendation_id", keep="last"
    )
    out = rows.rename(columns={"round_id": "status_round"})
    return out[["recommendation_id", *REPORT_COLUMNS]]


def _meeting_date(rounds: pd.DataFrame, round_id: str) -> pd.Timestamp:
    match = rounds.loc[rounds["id"] == round_id, "meeting_date"]
    if match.empty:
        raise ValueError(f"round {round_id!r} is not in the rounds frame")
    return pd.Timestamp(match.iloc[0])


def standing(
    recommendations: pd.DataFrame,
    statuses: pd.DataFrame,
    rounds: pd.DataFrame,
    as_of: str,
    *,
    made_in: str | None = None,
) -> pd.DataFrame:
    """The recommendations made by round ``as_of`` (only those of ``made_in`` if given), where they stand.

    One row per recommendation with its columns plus the latest report as of ``as_of``
    (``status``, ``status_round``, ``reason``, ``note``, ``reported_by``, ``reported_on``;
    empty when none was reported yet) and ``overdue``: not completed or dropped although its
    due round is ``as_of`` or earlier, or its due date is before the meeting of ``as_of``.
    Ordered by round made and id.
    """
    recs = recommendations.loc[recommendations["round_id"] <= as_of]
    if made_in is not None:
        recs = recs.loc[recs["round_id"] == made_in]
    out = recs.merge(_latest(statuses, as_of), left_on="id", right_on="recommendation_id", how="left")
    out = out.drop(columns="recommendation_id")
    open_ = ~out["status"].isin(CLOSED)
    due_round = out["due_round"].where(out["due_round"].notna() & out["due_round"].ne(""))
    by_round = due_round.notna() & (due_round.fillna("") <= as_of)
    due_date = pd.to_datetime(out["due_date"].replace("", None), errors="coerce")
    by_date = due_date.notna() & (due_date < _meeting_date(rounds, as_of))
    out["overdue"] = (open_ & (by_round | by_date)).astype(bool)
    return out.sort_values(["round_id", "id"]).reset_index(drop=True)


def moves(
    recommendations: pd.DataFrame, statuses: pd.DataFrame, from_round: str | None, to_round: str
) -> pd.DataFrame:
    """How the status of each recommendation made by ``to_round`` moved from ``from_round``.

    Columns: id, round_id, previous_status, status, move, one of MOVES: improved / declined
    on the ordinal scale, unchanged, new (no report as of ``from_round``, e.g. made since),
    dropped, reopened (dropped before, not now), not_reported (no report as of ``to_round``).
    """
    recs = recommendations.loc[recommendations["round_id"] <= to_round, ["id", "round_id"]]
    now = _latest(statuses, to_round)[["recommendation_id", "status"]]
    if from_round is None:
        before = now.iloc[0:0].rename(columns={"status": "previous_status"})
    else:
        before = _latest(statuses, from_round)[["recommendation_id", "status"]]
        before = before.rename(columns={"status": "previous_status"})
    out = recs.merge(now, left_on="id", right_on="recommendation_id", how="left").drop(
        columns="recommendation_id"
    )
    out = out.merge(before, left_on="id", right_on="recommendation_id", how="left").drop(
        columns="recommendation_id"
    )
    rank = out["status"].map(STATUS_RANK).astype("float64")
    prev_rank = out["previous_status"].map(STATUS_RANK).astype("float64")
    out["move"] = np.select(
        [
            out["status"].isna(),
            out["previous_status"].isna(),
            out["status"].eq("dropped") & out["previous_status"].ne("dropped"),
            out["previous_status"].eq("dropped") & out["status"].ne("dropped"),
            out["status"].eq(out["previous_status"]),
            rank > prev_rank,
        ],
        ["not_reported", "new", "dropped", "reopened", "unchanged", "improved"],
        default="declined",
    )
    return (
        out[["id", "round_id", "previous_status", "status", "move"]]
        .sort_values(["round_id", "id"])
        .reset_index(drop=True)
    )


def move_summary(moved: pd.DataFrame) -> dict[str, int]:
    """Number of recommendations per move, every move of MOVES present (0 when none)."""
    counts = moved["move"].value_counts()
    return {m: int(counts.get(m, 0)) for m in MOVES}


def history(statuses: pd.DataFrame, recommendation_id: str) -> pd.DataFrame:
    """One recommendation's follow-up reports, oldest round first."""
    rows = statuses.loc[statuses["recommendation_id"] == recommendation_id]
    return rows.sort_values("round_id").reset_index(drop=True)


def addressed_to(recommendations: pd.DataFrame, addressees: Iterable[str]) -> pd.DataFrame:
    """The recommendations whose addressees include any of ``addressees`` (e.g. every agency code)."""
    wanted = set(addressees)
    hit = recommendations["addressees"].map(lambda cell: not wanted.isdisjoint(split_list(cell)))
    return recommendations.loc[hit.astype(bool)]
