"""The action points' headline for a round: status counts now and before, moves, overdue, at risk.

Shown by the action points page, the briefing overview and the pack (lib.headline).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib.domains.action_points import metrics
from lib.headline import Change, Figure, now_of
from lib.i18n import N_, _
from lib.rounds import Window

AT_RISK = N_("At risk or off track")
OVERDUE = N_("Overdue")


@dataclass
class Headline:
    changes: list[Change]  # completed, substantial progress, at risk or off track, overdue
    moves: dict[str, int]  # metrics.MOVES since the previous round
    newly_at_risk: pd.DataFrame
    newly_overdue: pd.DataFrame  # sorted by days overdue, longest first
    moved: pd.DataFrame  # the points that improved or declined, with previous_status
    overdue: pd.DataFrame  # every overdue point, longest overdue first
    off_track_twice: pd.DataFrame  # off track in this round and the previous one


def headline(reports: pd.DataFrame, win: Window) -> Headline:
    """The round's headline from the progress reports (as known at each round's cut-off)."""
    round_id, prev, cutoff, prev_cutoff = win.round_id, win.previous, win.cutoff, win.previous_cutoff
    now_rows = reports.loc[reports["round_id"] == round_id]
    prev_rows = reports.loc[reports["round_id"] == prev] if prev else now_rows.iloc[0:0]
    all_moves = metrics.status_moves(reports, round_id, prev)
    moves = metrics.move_summary(all_moves)
    od_now = metrics.overdue(reports, round_id, cutoff)
    od_before = metrics.overdue(reports, prev, prev_cutoff) if prev else od_now.iloc[0:0]
    was_overdue = set(od_before.loc[od_before["overdue"], "action_point_id"]) if prev else set()
    newly_overdue = od_now.loc[od_now["overdue"] & ~od_now["action_point_id"].isin(was_overdue)]

    def count(rows: pd.DataFrame, mask_fn) -> float:
        return float(mask_fn(rows).sum())

    def change(label: str, mask_fn) -> Change:
        return Change(label, count(now_rows, mask_fn), count(prev_rows, mask_fn) if prev else None)

    changes = [
        change(N_("Completed"), lambda d: d["status"] == "completed"),
        change(N_("Substantial progress"), lambda d: d["status"] == "substantial"),
        change(AT_RISK, lambda d: d["assessment"].isin(metrics.AT_RISK_ASSESSMENTS)),
        Change(OVERDUE, float(od_now["overdue"].sum()), float(od_before["overdue"].sum()) if prev else None),
    ]

    def longest_first(rows: pd.DataFrame) -> pd.DataFrame:
        return rows.sort_values("days_overdue", ascending=False, kind="stable").reset_index(drop=True)

    was_off = set(prev_rows.loc[prev_rows["assessment"] == "off_track", "action_point_id"])
    return Headline(
        changes,
        moves,
        newly_overdue=longest_first(newly_overdue),
        newly_at_risk=metrics.newly_at_risk(reports, round_id, prev),
        moved=all_moves.loc[all_moves["move"].isin(["improved", "declined"])].drop(
            columns=["status_rank", "previous_rank"]
        ),
        overdue=longest_first(od_now.loc[od_now["overdue"]]),
        off_track_twice=now_rows.loc[
            (now_rows["assessment"] == "off_track") & now_rows["action_point_id"].isin(was_off)
        ].reset_index(drop=True),
    )


def figures(changes: list[Change], moves: dict[str, int], previous_round_id: str | None) -> list[Figure]:
    """The action points page's figures (and the pack's): moves, overdue, at risk or off track."""
    return [
        Figure(_("Improved since {round}", round=previous_round_id or "—"), moves["improved"]),
        Figure(_("Declined"), moves["declined"]),
        Figure(_("Unchanged"), moves["unchanged"]),
        Figure(_(OVERDUE), int(now_of(changes, OVERDUE))),
        Figure(_(AT_RISK), int(now_of(changes, AT_RISK))),
    ]


def moves_line(moves: dict[str, int]) -> str:
    """The status moves in words (the pack's wording)."""
    counts = {m: moves.get(m, 0) for m in metrics.MOVES}
    return _(
        "{improved} improved, {declined} declined, {unchanged} unchanged, {new} newly reported.", **counts
    )


def moves_sentence(
    moves: dict[str, int], since: str, *, markdown: bool, moved: pd.DataFrame | None = None
) -> str:
    """The round's status moves: the briefing page's sentence (markdown) or the pack's; with
    ``moved`` (the headline's points that improved or declined), which ones."""
    if not markdown:
        return _("Status {since}:", since=since) + " " + moves_line(moves) + which_moved(moved)
    return _(
        "Status {since}: **{improved} improved**, **{declined} declined**, {unchanged} unchanged, "
        "{new} newly reported.",
        since=since,
        **{m: moves.get(m, 0) for m in metrics.MOVES},
    )


def which_moved(moved: pd.DataFrame | None) -> str:
    """ " Improved: 129, 133. Declined: 130." (nothing without ``moved``)."""
    if moved is None or moved.empty:
        return ""
    parts = []
    for move, text in (("improved", N_("Improved: {points}.")), ("declined", N_("Declined: {points}."))):
        rows = moved.loc[moved["move"] == move]
        if not rows.empty:
            parts.append(_(text, points=ids(rows)))
    return " " + " ".join(parts)


def ids(points: pd.DataFrame) -> str:
    """Action point ids as a list in words ("none" when there is none)."""
    return ", ".join(map(str, points["action_point_id"])) if not points.empty else _("none")


def newly_sentence(newly_at_risk: pd.DataFrame, newly_overdue: pd.DataFrame) -> str:
    """Which points are newly at risk or off track, and newly overdue (the pack's summary)."""
    return _(
        "Newly at risk or off track: {at_risk}. Newly overdue: {overdue}.",
        at_risk=ids(newly_at_risk),
        overdue=ids(newly_overdue),
    )
