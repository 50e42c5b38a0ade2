"""The New York office workload's headline for a round, as known at its cut-off.

Requests and hours received in the round, the open backlog and the plan areas' share of hours;
shown by the workload page, the briefing overview and the pack (lib.headline).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lib import i18n
from lib.domains.workload import metrics, views
from lib.headline import Change, Figure, now_of
from lib.i18n import N_, _
from lib.rounds import Window

RECEIVED = N_("Requests received")
HOURS = N_("Hours")
BACKLOG = N_("Open backlog at cut-off")


def known_at(items: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The items as known at ``as_of``: those received by then (later ones did not exist yet)."""
    return items.loc[items["received_on"] <= as_of]


@dataclass
class Headline:
    known: pd.DataFrame  # the items received by the cut-off
    in_round: pd.DataFrame  # of those, the ones received in the round's half-year
    backlog: pd.DataFrame  # open at the cut-off (metrics.backlog)
    changes: list[Change]  # requests received, hours, open backlog: now and in the previous round
    plan_hour_share: float  # share of the round's hours in the plan's five areas


def headline(items: pd.DataFrame, rounds: pd.DataFrame, win: Window) -> Headline:
    """The round's headline from the work items, each round as known at its own cut-off."""

    def received(as_of: pd.Timestamp | None, rid: str | None) -> pd.DataFrame | None:
        if as_of is None or rid is None:
            return None
        return views.items_in_round(known_at(items, as_of), rounds, rid)

    known = known_at(items, win.cutoff)
    in_round = views.items_in_round(known, rounds, win.round_id)
    before = received(win.previous_cutoff, win.previous)
    backlog = metrics.backlog(known, win.cutoff)
    prev_backlog = metrics.backlog(items, win.previous_cutoff) if win.previous_cutoff is not None else None
    changes = [
        Change(RECEIVED, float(len(in_round)), None if before is None else float(len(before))),
        Change(
            HOURS, float(in_round["hours"].sum()), None if before is None else float(before["hours"].sum())
        ),
        Change(BACKLOG, float(len(backlog)), None if prev_backlog is None else float(len(prev_backlog))),
    ]
    share = metrics.plan_area_share(in_round).set_index("group").at[metrics.PLAN_GROUP, "hour_share"]
    return Headline(known, in_round, backlog, changes, float(share))


def figures(hl: Headline, round_id: str) -> list[Figure]:
    """The workload page's figures (and the pack's)."""
    return [
        Figure(_("Requests in {round}", round=round_id), int(now_of(hl.changes, RECEIVED))),
        Figure(
            _("Hours in the round"), now_of(hl.changes, HOURS), i18n.fmt_number(now_of(hl.changes, HOURS))
        ),
        Figure(_(BACKLOG), int(now_of(hl.changes, BACKLOG))),
        Figure(
            _("Share of hours in the plan's five areas"),
            hl.plan_hour_share,
            i18n.fmt_percent(hl.plan_hour_share),
        ),
    ]
